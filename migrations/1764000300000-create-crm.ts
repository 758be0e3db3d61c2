import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CRM connection per tenant (credentials encrypted by SecretCipher), the builtin CRM's contacts and deals (also the
 * local mirror of remote CRM records, keyed by crm_type + external_id, which inbound webhooks update), and the
 * outbox that makes every CRM write survive a slow or failing CRM.
 */
export class CreateCrm1764000300000 implements MigrationInterface {
  name = 'CreateCrm1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_configs (
        business_id varchar(64) PRIMARY KEY REFERENCES businesses(business_id) ON DELETE CASCADE,
        type varchar(32) NOT NULL CHECK (type IN ('builtin', 'hubspot', 'salesforce', 'webhook')),
        credentials_encrypted text,
        field_mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE crm_contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        crm_type varchar(32) NOT NULL,
        external_id varchar(255) NOT NULL,
        session_id varchar(128),
        first_name varchar(255),
        last_name varchar(255),
        email varchar(320),
        phone varchar(32),
        company varchar(255),
        fields jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, crm_type, external_id)
      )`);
    await q.query('CREATE INDEX crm_contacts_email_idx ON crm_contacts (business_id, crm_type, lower(email))');
    await q.query('CREATE INDEX crm_contacts_phone_idx ON crm_contacts (business_id, crm_type, phone)');
    await q.query(`
      CREATE TABLE crm_deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        crm_type varchar(32) NOT NULL,
        external_id varchar(255) NOT NULL,
        contact_external_id varchar(255),
        session_id varchar(128),
        name varchar(255) NOT NULL,
        stage varchar(128),
        pipeline varchar(128),
        amount numeric(14, 2),
        fields jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, crm_type, external_id)
      )`);
    await q.query('CREATE INDEX crm_deals_contact_idx ON crm_deals (business_id, crm_type, contact_external_id)');
    await q.query(`
      CREATE TABLE crm_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        idempotency_key varchar(255) NOT NULL,
        session_id varchar(128),
        operation varchar(32) NOT NULL CHECK (operation IN ('upsert_contact', 'create_deal')),
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'done', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        last_error text,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_id, idempotency_key)
      )`);
    // The worker's claim query: due pending items and expired leases, across tenants.
    await q.query(
      "CREATE INDEX crm_outbox_due_idx ON crm_outbox (next_attempt_at) WHERE status IN ('pending', 'processing')",
    );
    await q.query('CREATE INDEX crm_outbox_tenant_idx ON crm_outbox (business_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE crm_outbox');
    await q.query('DROP TABLE crm_deals');
    await q.query('DROP TABLE crm_contacts');
    await q.query('DROP TABLE crm_configs');
  }
}
