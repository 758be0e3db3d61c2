import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from 'src/redis/redis-infra.module';

/** Past this a dependency counts as down: a load balancer should stop sending traffic rather than queue it. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * Readiness checks that exercise what requests need. The database check reads a real table rather than `SELECT 1`,
 * which a server whose data files are gone still answers; Redis is PINGed when configured. Failures say which
 * dependency is down but not why: the endpoint is public and driver messages name hosts and ports.
 */
@Injectable()
export class ReadinessProbe {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {}

  async checkDatabase(): Promise<HealthIndicatorResult<'database'>> {
    const check = this.indicators.check('database');
    const outcome = await settleWithin(this.dataSource.query('SELECT 1 FROM schema_migrations LIMIT 1'));
    return outcome === 'ok' ? check.up() : check.down({ message: outcome === 'timeout' ? 'timed out' : 'query failed' });
  }

  async checkRedis(): Promise<HealthIndicatorResult<'redis'>> {
    const check = this.indicators.check('redis');
    if (!this.redis) return check.up({ mode: 'in-process' });
    const outcome = await settleWithin(this.redis.ping());
    return outcome === 'ok' ? check.up({ mode: 'redis' }) : check.down({ mode: 'redis', message: outcome === 'timeout' ? 'timed out' : 'unreachable' });
  }
}

async function settleWithin(work: Promise<unknown>): Promise<'ok' | 'failed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), READINESS_TIMEOUT_MS)));
  try {
    return await Promise.race([work.then(() => 'ok' as const, () => 'failed' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
