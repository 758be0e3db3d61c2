import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notes on builtin CRM contacts. An unverified visitor who matches an existing contact never overwrites it: the
 * details that differ are kept here, beside the contact, for a person to review.
 */
export class CrmContactNotes1764000700000 implements MigrationInterface {
  name = 'CrmContactNotes1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_contact_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        crm_type varchar(32) NOT NULL,
        contact_external_id varchar(255) NOT NULL,
        session_id varchar(128),
        body text NOT NULL,
        "values" jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX crm_contact_notes_contact_idx ON crm_contact_notes (business_id, crm_type, contact_external_id, created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE crm_contact_notes');
  }
}
