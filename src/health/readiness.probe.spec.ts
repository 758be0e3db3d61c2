import { HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';

import { DATABASE_PROBE_SQL, READINESS_TIMEOUT_MS, ReadinessProbe } from 'src/health/readiness.probe';
import { RedisConnection } from 'src/redis/redis-connection';
import { strictMock } from 'test/support/strict-mock';

describe(ReadinessProbe.name, () => {
  const indicators = new HealthIndicatorService();
  const database = (query: jest.Mock) => strictMock<DataSource>({ query });
  const inProcess = new RedisConnection(null);

  afterEach(() => jest.useRealTimers());

  it('queries a real table and the file behind it, not SELECT 1', async () => {
    const query = jest.fn().mockResolvedValue([{ table_file_bytes: 8192 }]);
    const sut = new ReadinessProbe(database(query), indicators, inProcess);
    await expect(sut.checkDatabase()).resolves.toEqual({ database: { status: 'up' } });
    expect(query).toHaveBeenCalledWith(DATABASE_PROBE_SQL);
    expect(DATABASE_PROBE_SQL).toContain('FROM schema_migrations');
    expect(DATABASE_PROBE_SQL).toContain("pg_stat_file(pg_relation_filepath('schema_migrations'))");
  });

  it('reports the database down without the driver message when the query fails', async () => {
    const query = jest
      .fn()
      .mockRejectedValue(new Error('could not open file "base/16384/2619": No such file or directory'));
    const sut = new ReadinessProbe(database(query), indicators, inProcess);
    await expect(sut.checkDatabase()).resolves.toEqual({ database: { status: 'down', message: 'query failed' } });
  });

  it('reports the database down once the query outlasts the timeout', async () => {
    jest.useFakeTimers();
    const sut = new ReadinessProbe(
      database(jest.fn().mockReturnValue(new Promise(() => undefined))),
      indicators,
      inProcess,
    );
    const result = sut.checkDatabase();
    await jest.advanceTimersByTimeAsync(READINESS_TIMEOUT_MS);
    await expect(result).resolves.toEqual({ database: { status: 'down', message: 'timed out' } });
  });

  it('reports Redis down when PING fails', async () => {
    const redis = strictMock<Redis>({ ping: jest.fn().mockRejectedValue(new Error('Connection is closed.')) });
    const sut = new ReadinessProbe(database(jest.fn()), indicators, new RedisConnection(redis));
    await expect(sut.checkRedis()).resolves.toEqual({
      redis: { status: 'down', mode: 'redis', message: 'unreachable' },
    });
  });

  it('reports the in-process mode as up when Redis is not configured', async () => {
    const sut = new ReadinessProbe(database(jest.fn()), indicators, inProcess);
    await expect(sut.checkRedis()).resolves.toEqual({ redis: { status: 'up', mode: 'in-process' } });
  });
});
