import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unanswered questions and retention.
 *
 * `unanswered_resolutions`: a cluster of unanswered questions marked resolved by a recheck, keyed by the cluster's
 * stable key (a hash of its normalized example question), with the knowledge-base version that answered it.
 *
 * `messages_unanswered_idx`: the report reads a tenant's unanswered replies of a range, newest first; partial, so it
 * holds only those rows and costs nothing on the other inserts.
 *
 * The retention purge deletes by age across tenants: events by `created_at` (BRIN: events are appended in time order,
 * so a block-range index is a few pages and nearly free to maintain), conversations by `last_message_at` (a B-tree:
 * the column is rewritten on every turn, so block ranges would not stay ordered).
 */
export class UnansweredAndRetention1764230000001 implements MigrationInterface {
  name = 'UnansweredAndRetention1764230000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unanswered_resolutions (
        business_id varchar(64) NOT NULL REFERENCES businesses(business_id) ON DELETE CASCADE,
        cluster_key varchar(64) NOT NULL,
        kb_version_id varchar(64),
        resolved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (business_id, cluster_key)
      )`);
    await q.query(`
      CREATE INDEX messages_unanswered_idx ON messages (business_id, created_at DESC, id DESC)
        WHERE role = 'assistant' AND payload ? 'unanswered'`);
    await q.query('CREATE INDEX analytics_events_created_brin_idx ON analytics_events USING brin (created_at)');
    await q.query('CREATE INDEX conversations_last_message_idx ON conversations (last_message_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX conversations_last_message_idx');
    await q.query('DROP INDEX analytics_events_created_brin_idx');
    await q.query('DROP INDEX messages_unanswered_idx');
    await q.query('DROP TABLE unanswered_resolutions');
  }
}
