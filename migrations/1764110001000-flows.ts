import { MigrationInterface, QueryRunner } from 'typeorm';

/** Conversation flows (state machines) a rule's `startFlow` action enters; interpreted by the rules module. */
export class Flows1764110001000 implements MigrationInterface {
  name = 'Flows1764110001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE businesses ADD COLUMN flows jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE businesses DROP COLUMN flows');
  }
}
