import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A running job's worker touches heartbeat_at while it works. Another worker may take the job over only when the
 * heartbeat is old (the first worker died), so a restart resumes jobs without two workers running one job.
 */
export class KbJobHeartbeat1764000200001 implements MigrationInterface {
  name = 'KbJobHeartbeat1764000200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE kb_jobs ADD COLUMN heartbeat_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE kb_jobs DROP COLUMN heartbeat_at');
  }
}
