import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-off to a person: the business's hand-off settings, one row per hand-off (open until released; the durable
 * record the chat turn checks, so a handed-off session stays with the team after a Redis eviction), and the hand-off
 * webhook as one more operation of the CRM outbox (same retries, leases and admin retry).
 */
export class Handoff1764111000000 implements MigrationInterface {
  name = 'Handoff1764111000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE businesses ADD COLUMN handoff jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`
      CREATE TABLE handoffs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        session_id varchar(128) NOT NULL,
        channel varchar(8) NOT NULL,
        reason varchar(200) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released')),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz
      )`);
    // At most one open hand-off per session: a second trigger while open is a no-op.
    await q.query("CREATE UNIQUE INDEX handoffs_open_idx ON handoffs (business_id, session_id) WHERE status = 'open'");
    await q.query('CREATE INDEX handoffs_tenant_idx ON handoffs (business_id, created_at DESC)');
    await q.query('ALTER TABLE crm_outbox DROP CONSTRAINT IF EXISTS crm_outbox_operation_check');
    await q.query(
      "ALTER TABLE crm_outbox ADD CONSTRAINT crm_outbox_operation_check CHECK (operation IN ('upsert_contact', 'create_deal', 'handoff_webhook'))",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM crm_outbox WHERE operation = 'handoff_webhook'");
    await q.query('ALTER TABLE crm_outbox DROP CONSTRAINT crm_outbox_operation_check');
    await q.query(
      "ALTER TABLE crm_outbox ADD CONSTRAINT crm_outbox_operation_check CHECK (operation IN ('upsert_contact', 'create_deal'))",
    );
    await q.query('DROP TABLE handoffs');
    await q.query('ALTER TABLE businesses DROP COLUMN handoff');
  }
}
