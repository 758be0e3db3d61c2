import { MigrationInterface, QueryRunner } from 'typeorm';

/** A business's services or products: dynamic CTAs expand from it and model replies suggest from it. */
export class Catalog1764240000001 implements MigrationInterface {
  name = 'Catalog1764240000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE businesses ADD COLUMN catalog jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE businesses DROP COLUMN catalog');
  }
}
