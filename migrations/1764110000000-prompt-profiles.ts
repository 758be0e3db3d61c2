import { MigrationInterface, QueryRunner } from 'typeorm';

/** Prompt profiles a rule's `profile` action switches to (rules themselves already live in `businesses.rules`). */
export class PromptProfiles1764110000000 implements MigrationInterface {
  name = 'PromptProfiles1764110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE businesses ADD COLUMN profiles jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE businesses DROP COLUMN profiles');
  }
}
