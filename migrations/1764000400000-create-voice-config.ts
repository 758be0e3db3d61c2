import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant phone settings and the numbers that route calls to a tenant (each number to one tenant at most). */
export class CreateVoiceConfig1764000400000 implements MigrationInterface {
  name = 'CreateVoiceConfig1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE voice_configs (
        business_id varchar(64) PRIMARY KEY REFERENCES businesses(business_id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT false,
        twilio_auth_token_enc text NOT NULL,
        voice_name varchar(64),
        language varchar(16),
        greeting text,
        max_call_seconds integer CHECK (max_call_seconds IS NULL OR max_call_seconds BETWEEN 30 AND 14400),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE voice_numbers (
        phone_number varchar(16) NOT NULL CHECK (phone_number ~ '^\\+[1-9][0-9]{6,14}$'),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- The primary key is the unique index that makes a number belong to one tenant at most.
        PRIMARY KEY (phone_number)
      )`);
    await q.query('CREATE INDEX voice_numbers_business_id_idx ON voice_numbers (business_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE voice_numbers');
    await q.query('DROP TABLE voice_configs');
  }
}
