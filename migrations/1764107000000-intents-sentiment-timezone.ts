import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversation understanding: a business's own intents and its IANA timezone (the turn context's local time), and
 * per user message the intent and sentiment it was read with, so transcripts and analytics can be filtered by them.
 * Nullable on messages: assistant and tool rows, and every row written before this, have neither.
 */
export class IntentsSentimentTimezone1764107000000 implements MigrationInterface {
  name = 'IntentsSentimentTimezone1764107000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE businesses
        ADD COLUMN intents jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN timezone varchar(64) NOT NULL DEFAULT 'UTC'`);
    await q.query(`
      ALTER TABLE messages
        ADD COLUMN intent varchar(40),
        ADD COLUMN intent_confidence real,
        ADD COLUMN sentiment varchar(8),
        ADD COLUMN sentiment_score real`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE messages DROP COLUMN intent, DROP COLUMN intent_confidence, DROP COLUMN sentiment, DROP COLUMN sentiment_score',
    );
    await q.query('ALTER TABLE businesses DROP COLUMN intents, DROP COLUMN timezone');
  }
}
