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
    // The few payload fields the dashboard reads, as stored generated columns: covered by the index below, the
    // month of one tenant is an index-only scan instead of a heap visit per event (tenants' events interleave on
    // the heap, so one tenant's month touches nearly every page of it). Measured by `npm run bench:analytics`.
    await q.query(`
      ALTER TABLE analytics_events
        ADD COLUMN intent varchar(40) GENERATED ALWAYS AS
          (CASE WHEN type = 'user_message' THEN left(payload->>'intent', 40) END) STORED,
        ADD COLUMN sentiment varchar(8) GENERATED ALWAYS AS
          (CASE WHEN type = 'user_message' THEN left(payload->>'sentiment', 8) END) STORED,
        ADD COLUMN cta_id varchar(64) GENERATED ALWAYS AS
          (CASE WHEN type = 'cta_clicked' THEN left(payload->>'ctaId', 64) END) STORED,
        ADD COLUMN cta_link boolean GENERATED ALWAYS AS
          (type = 'cta_clicked' AND payload->>'action' = 'link') STORED,
        ADD COLUMN latency_ms integer GENERATED ALWAYS AS
          (CASE WHEN type = 'assistant_message' AND jsonb_typeof(payload->'latencyMs') = 'number'
                THEN least((payload->>'latencyMs')::numeric, 2147483647)::integer END) STORED,
        ADD COLUMN fallback boolean GENERATED ALWAYS AS
          (type = 'assistant_message' AND payload->>'fallback' = 'provider_error') STORED,
        ADD COLUMN unanswered boolean GENERATED ALWAYS AS
          (type = 'assistant_message' AND payload ? 'unanswered') STORED`);
    await q.query(`
      CREATE INDEX analytics_events_business_time_idx ON analytics_events (business_id, created_at)
        INCLUDE (type, session_id, intent, sentiment, cta_id, cta_link, latency_ms, fallback, unanswered)`);
    await q.query(
      `CREATE INDEX conversations_business_started_idx ON conversations (business_id, started_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX messages_content_fts_idx ON messages USING gin (to_tsvector('simple', content))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX messages_content_fts_idx');
    await q.query('DROP INDEX conversations_business_started_idx');
    await q.query('DROP INDEX analytics_events_business_time_idx');
    await q.query(`
      ALTER TABLE analytics_events DROP COLUMN intent, DROP COLUMN sentiment, DROP COLUMN cta_id, DROP COLUMN cta_link,
        DROP COLUMN latency_ms, DROP COLUMN fallback, DROP COLUMN unanswered`);
    await q.query('ALTER TABLE conversations DROP COLUMN tags');
  }
}
