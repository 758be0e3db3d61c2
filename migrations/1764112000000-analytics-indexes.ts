import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics reads: events by tenant and time (the dashboard scans one tenant's month), sessions listed newest first
 * with a keyset cursor, transcript text searched with Postgres full-text search, and the session's tags persisted
 * (they lived only in the Redis session) so the list can filter on them.
 */
export class AnalyticsIndexes1764112000000 implements MigrationInterface {
  name = 'AnalyticsIndexes1764112000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
    // INCLUDE makes the dashboard's scan index-only for the columns every bucket needs.
    await q.query(
      `CREATE INDEX analytics_events_business_time_idx ON analytics_events (business_id, created_at) INCLUDE (type, session_id)`,
    );
    await q.query(
      `CREATE INDEX conversations_business_started_idx ON conversations (business_id, started_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX messages_content_fts_idx ON messages USING gin (to_tsvector('simple', content))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX messages_content_fts_idx');
    await q.query('DROP INDEX conversations_business_started_idx');
    await q.query('DROP INDEX analytics_events_business_time_idx');
    await q.query('ALTER TABLE conversations DROP COLUMN tags');
  }
}
