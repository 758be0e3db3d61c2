import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant API keys and the admin audit log.
 *
 * Keys are stored as a SHA-256 of their random secret (256 bits, so a slow hash adds nothing) and found by their
 * public lookup id. The audit log is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, except the deletes
 * cascading from a deleted tenant (its entries go with it, like everything it owns). Entries whose tenant does not
 * exist when they are written, such as the deletion of a tenant itself, have no business_id and so survive it.
 */
export class CreateAccess1764001000000 implements MigrationInterface {
  name = 'CreateAccess1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        lookup_id char(16) NOT NULL UNIQUE CHECK (lookup_id ~ '^[0-9a-f]{16}$'),
        secret_sha256 char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query('CREATE INDEX tenant_api_keys_business_id_idx ON tenant_api_keys (business_id, created_at)');
    await q.query(`
      CREATE TABLE admin_audit_log (
        id bigserial PRIMARY KEY,
        business_id varchar(64) REFERENCES businesses(business_id) ON DELETE CASCADE,
        target_business_id varchar(64),
        key_id varchar(64) NOT NULL,
        role varchar(16) NOT NULL,
        method varchar(8) NOT NULL,
        route varchar(300) NOT NULL,
        status smallint NOT NULL,
        request_id varchar(128),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX admin_audit_log_business_id_idx ON admin_audit_log (business_id, id DESC)');
    await q.query(`
      CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- The only delete allowed is the cascade from a deleted tenant: by then its row is gone.
        IF TG_OP = 'DELETE' AND OLD.business_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM businesses WHERE business_id = OLD.business_id) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'admin_audit_log is append-only' USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER admin_audit_log_append_only BEFORE UPDATE OR DELETE ON admin_audit_log
      FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE admin_audit_log');
    await q.query('DROP FUNCTION admin_audit_log_append_only()');
    await q.query('DROP TABLE tenant_api_keys');
  }
}
