import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { RedisConnection } from 'src/redis/redis-connection';

/**
 * Reads a real table, and where the role may look at server files (superuser, as the embedded database runs, or
 * pg_read_server_files) also checks that table's file is still on disk: Postgres answers from shared buffers after its
 * data files are deleted, so only the file check notices that before the next checkpoint fails.
 */
export const DATABASE_PROBE_SQL = `SELECT CASE WHEN r.rolsuper OR pg_has_role(current_user, 'pg_read_server_files', 'USAGE')
       THEN (pg_stat_file(pg_relation_filepath('schema_migrations'))).size END AS table_file_bytes
  FROM pg_roles r CROSS JOIN (SELECT 1 FROM schema_migrations LIMIT 1) AS migrations
 WHERE r.rolname = current_user`;

/** Past this a dependency counts as down: a load balancer should stop sending traffic rather than queue it. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * Readiness checks that exercise what requests need. The database check reads a real table rather than `SELECT 1`
 * (see DATABASE_PROBE_SQL); Redis is PINGed when configured. Failures say which
 * dependency is down but not why: the endpoint is public and driver messages name hosts and ports.
 */
@Injectable()
export class ReadinessProbe {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  async checkDatabase(): Promise<HealthIndicatorResult<'database'>> {
    const check = this.indicators.check('database');
    const outcome = await settleWithin(this.dataSource.query(DATABASE_PROBE_SQL));
    return outcome === 'ok'
      ? check.up()
      : check.down({ message: outcome === 'timeout' ? 'timed out' : 'query failed' });
  }

  async checkRedis(): Promise<HealthIndicatorResult<'redis'>> {
    const check = this.indicators.check('redis');
    const { client } = this.redis;
    if (!client) return check.up({ mode: 'in-process' });
    const outcome = await settleWithin(client.ping());
    return outcome === 'ok'
      ? check.up({ mode: 'redis' })
      : check.down({ mode: 'redis', message: outcome === 'timeout' ? 'timed out' : 'unreachable' });
  }
}

async function settleWithin(work: Promise<unknown>): Promise<'ok' | 'failed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), READINESS_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([
      work.then(
        () => 'ok' as const,
        () => 'failed' as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
