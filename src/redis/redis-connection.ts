import type Redis from 'ioredis';

/**
 * The Redis client when REDIS_URL is set, `null` when the platform runs on its in-process equivalents. Bound by
 * RedisInfraModule from validated config and injected as a required dependency: a lost binding then fails the
 * start instead of quietly switching a Redis deployment to per-instance state.
 */
export class RedisConnection {
  constructor(readonly client: Redis | null) {}
}
