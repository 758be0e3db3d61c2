import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard counts response-cache hits and misses, and hand-offs from the hand-offs themselves (it counted user
 * messages read as human_handoff, from before there were live hand-offs). `cached` joins the generated columns the
 * covering index carries, so the dashboard stays an index-only scan; sessions find their hand-offs by session id.
 */
export class AnalyticsCacheAndHandoffs1764290000001 implements MigrationInterface {
  name = 'AnalyticsCacheAndHandoffs1764290000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE analytics_events
        ADD COLUMN cached boolean GENERATED ALWAYS AS
          (CASE WHEN type = 'assistant_message' AND jsonb_typeof(payload->'cached') = 'boolean'
                THEN (payload->>'cached')::boolean END) STORED`);
    await q.query('DROP INDEX analytics_events_business_time_idx');
    await q.query(`
      CREATE INDEX analytics_events_business_time_idx ON analytics_events (business_id, created_at)
        INCLUDE (type, session_id, intent, sentiment, cta_id, cta_link, latency_ms, fallback, unanswered, cached)`);
    await q.query('CREATE INDEX handoffs_session_idx ON handoffs (business_id, session_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX handoffs_session_idx');
    await q.query('DROP INDEX analytics_events_business_time_idx');
    await q.query('ALTER TABLE analytics_events DROP COLUMN cached');
    await q.query(`
      CREATE INDEX analytics_events_business_time_idx ON analytics_events (business_id, created_at)
        INCLUDE (type, session_id, intent, sentiment, cta_id, cta_link, latency_ms, fallback, unanswered)`);
  }
}
