import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';

/**
 * Session-level advisory lock key (two int4 halves) held by the instance that purges: "rt" "pg" in ASCII, picked
 * to be recognizable in pg_locks and unlikely to meet another lock of this database.
 */
const LOCK_KEY: [number, number] = [0x7274, 0x7067];

/**
 * Each statement deletes at most `limit` rows picked by a sub-select, so one statement holds its row locks and
 * writes its WAL for a bounded batch; the count comes back from RETURNING. All of them cross tenants by design:
 * retention is a platform policy, the same for every tenant.
 */
const PURGE_SQL = {
  events: `WITH gone AS (
      DELETE FROM analytics_events WHERE id IN (
        SELECT id FROM analytics_events WHERE created_at < $1 LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
  transcriptMessages: `WITH gone AS (
      DELETE FROM messages WHERE id IN (
        SELECT m.id FROM conversations c JOIN messages m ON m.conversation_id = c.id
        WHERE c.last_message_at < $1 LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
  transcriptEvents: `WITH gone AS (
      DELETE FROM analytics_events WHERE id IN (
        SELECT e.id FROM conversations c
        JOIN analytics_events e ON e.business_id = c.business_id AND e.session_id = c.session_id
        WHERE c.last_message_at < $1 LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
  // A purged conversation's hand-offs go with it: an open one would stay listed for a transcript that is gone.
  transcriptHandoffs: `WITH gone AS (
      DELETE FROM handoffs WHERE id IN (
        SELECT h.id FROM conversations c
        JOIN handoffs h ON h.business_id = c.business_id AND h.session_id = c.session_id
        WHERE c.last_message_at < $1 LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
  // Messages were removed above in batches; the cascade only catches a message written in between.
  conversations: `WITH gone AS (
      DELETE FROM conversations WHERE id IN (
        SELECT id FROM conversations WHERE last_message_at < $1 LIMIT $2)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
} as const;

export type PurgeStatement = keyof typeof PURGE_SQL;

/** Deletes one batch on the connection that holds the purge lock; returns the rows deleted. */
export type PurgeBatch = (statement: PurgeStatement, cutoff: Date, limit: number) => Promise<number>;

@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` on one connection holding the purge's advisory lock, or returns null at once when another instance
   * holds it. A session lock (not a transaction's) because the batches commit one by one; it is released on the
   * same connection, or by Postgres if the instance dies with it.
   */
  async withPurgeLock<T>(work: (batch: PurgeBatch) => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', LOCK_KEY)) as {
        locked: boolean;
      }[];
      if (!locked) return null;
      try {
        return await work((statement, cutoff, limit) => purge(runner, statement, cutoff, limit));
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', LOCK_KEY);
      }
    } finally {
      await runner.release();
    }
  }
}

async function purge(runner: QueryRunner, statement: PurgeStatement, cutoff: Date, limit: number): Promise<number> {
  const rows = (await runner.query(PURGE_SQL[statement], [cutoff, limit])) as { n: number }[];
  return rows[0].n;
}
