import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBusinesses1764000000000 implements MigrationInterface {
  name = 'CreateBusinesses1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE businesses (
        business_id varchar(64) PRIMARY KEY CHECK (business_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        business_name varchar(200) NOT NULL,
        system_prompt text,
        primary_goal text,
        personality text,
        greeting_message text,
        secondary_greeting_message text,
        privacy_statement text,
        theme_color varchar(32),
        widget_position varchar(16) NOT NULL DEFAULT 'bottom-right'
          CHECK (widget_position IN ('center', 'bottom-right', 'bottom-left')),
        website_url text,
        contact_email varchar(320),
        contact_phone varchar(64),
        chatbot_button_text varchar(64),
        business_logo text,
        voice_enabled boolean NOT NULL DEFAULT false,
        default_country char(2) NOT NULL DEFAULT 'US',
        cta_tree jsonb NOT NULL DEFAULT '{}'::jsonb,
        rules jsonb NOT NULL DEFAULT '[]'::jsonb,
        experiments jsonb NOT NULL DEFAULT '{}'::jsonb,
        allowed_origins jsonb NOT NULL DEFAULT '[]'::jsonb,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE businesses');
  }
}
