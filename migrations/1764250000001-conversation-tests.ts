import { MigrationInterface, QueryRunner } from 'typeorm';

/** A business's conversation tests (scripted conversations with expectations), run by POST .../tests/run. */
export class ConversationTests1764250000001 implements MigrationInterface {
  name = 'ConversationTests1764250000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE businesses ADD COLUMN tests jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE businesses DROP COLUMN tests');
  }
}
