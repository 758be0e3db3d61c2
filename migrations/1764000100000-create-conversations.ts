import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConversations1764000100000 implements MigrationInterface {
  name = 'CreateConversations1764000100000';

  async up(q: QueryRunner): Promise<void> {
    // One conversation per (tenant, session); voice sessions use the Twilio CallSid as session id.
    await q.query(`
      CREATE TABLE conversations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        session_id varchar(128) NOT NULL,
        channel varchar(8) NOT NULL CHECK (channel IN ('chat', 'voice')),
        started_at timestamptz NOT NULL DEFAULT now(),
        last_message_at timestamptz NOT NULL DEFAULT now(),
        message_count integer NOT NULL DEFAULT 0,
        UNIQUE (business_id, session_id)
      )`);
    await q.query(
      `CREATE INDEX conversations_business_recent_idx ON conversations (business_id, last_message_at DESC)`,
    );
    await q.query(`
      CREATE TABLE messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role varchar(16) NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
        content text NOT NULL,
        tool_name varchar(64),
        payload jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX messages_conversation_idx ON messages (conversation_id, id)`);
    await q.query(`CREATE INDEX messages_business_idx ON messages (business_id)`);
    await q.query(`
      CREATE TABLE analytics_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        session_id varchar(128) NOT NULL,
        channel varchar(8) NOT NULL CHECK (channel IN ('chat', 'voice')),
        type varchar(32) NOT NULL CHECK (type IN ('user_message', 'assistant_message', 'cta_clicked', 'lead_captured')),
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX analytics_events_business_type_idx ON analytics_events (business_id, type, created_at)`,
    );
    await q.query(`CREATE INDEX analytics_events_session_idx ON analytics_events (business_id, session_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE analytics_events');
    await q.query('DROP TABLE messages');
    await q.query('DROP TABLE conversations');
  }
}
