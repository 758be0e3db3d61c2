import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A/B experiments. `businesses.experiments` becomes a list (it was a free-form object nothing read: each one is
 * replaced by the empty list), analytics events may be `experiment_exposure`, and the results endpoint finds an
 * experiment's exposures through a partial index (one tenant's exposures of one experiment, by session).
 */
export class Experiments1764220000001 implements MigrationInterface {
  name = 'Experiments1764220000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE businesses ALTER COLUMN experiments SET DEFAULT '[]'::jsonb`);
    await q.query(`UPDATE businesses SET experiments = '[]'::jsonb WHERE jsonb_typeof(experiments) <> 'array'`);
    await q.query(`
      ALTER TABLE analytics_events DROP CONSTRAINT analytics_events_type_check,
        ADD CONSTRAINT analytics_events_type_check CHECK (type IN
          ('user_message', 'assistant_message', 'cta_clicked', 'lead_captured', 'experiment_exposure'))`);
    await q.query(`
      CREATE INDEX analytics_events_exposure_idx
        ON analytics_events (business_id, (payload->>'experimentId'), session_id, id)
        WHERE type = 'experiment_exposure'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX analytics_events_exposure_idx');
    await q.query(`DELETE FROM analytics_events WHERE type = 'experiment_exposure'`);
    await q.query(`
      ALTER TABLE analytics_events DROP CONSTRAINT analytics_events_type_check,
        ADD CONSTRAINT analytics_events_type_check CHECK (type IN
          ('user_message', 'assistant_message', 'cta_clicked', 'lead_captured'))`);
    await q.query(`UPDATE businesses SET experiments = '{}'::jsonb WHERE experiments = '[]'::jsonb`);
    await q.query(`ALTER TABLE businesses ALTER COLUMN experiments SET DEFAULT '{}'::jsonb`);
  }
}
