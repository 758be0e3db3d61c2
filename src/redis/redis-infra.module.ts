import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { getRedisConnectionToken, RedisModule } from '@nestjs-modules/ioredis';
import type Redis from 'ioredis';

import { AppConfig } from 'src/config/app-config.service';
import { KeyValueStore } from 'src/redis/key-value-store.port';
import { LocalKeyValueStore } from 'src/redis/local.key-value-store';
import { LocalPubSub } from 'src/redis/local.pub-sub';
import { PubSub } from 'src/redis/pub-sub.port';
import { RedisKeyValueStore } from 'src/redis/redis.key-value-store';
import { RedisPubSub } from 'src/redis/redis.pub-sub';
import { RedisConnection } from 'src/redis/redis-connection';

/** The ioredis client token, bound only when REDIS_URL is set; modules choosing an adapter inject RedisConnection. */
export const REDIS = getRedisConnectionToken();

/**
 * @nestjs-modules/ioredis tracks its connections in a static set that the first app to shut down empties, so a
 * second app in the same process (tests, CLIs) would leave its client open. Each app closes its own client here.
 */
@Injectable()
class RedisClientCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'end') return;
    await redis.quit().catch(() => redis.disconnect());
  }
}

/**
 * Redis when configured, in-process equivalents otherwise. Clients fail fast so a Redis outage turns into quick
 * errors (a 503 from the exception filter) instead of hung requests: a command waiting for the connection fails at
 * the first failed reconnection attempt (half a second apart at most), and any command after 2 s. The offline queue
 * stays on so a command issued during a blip (a restart, a failover) is sent once the reconnect succeeds.
 */
@Global()
@Module({})
export class RedisInfraModule {
  static forRoot(redisUrl: string | undefined): DynamicModule {
    const imports = redisUrl
      ? [
          RedisModule.forRootAsync({
            inject: [AppConfig],
            useFactory: (config: AppConfig) => ({
              type: 'single' as const,
              url: config.get('REDIS_URL'),
              options: {
                // The deployment's namespace on every key; see redis-namespace.ts for what it does not cover.
                keyPrefix: config.get('REDIS_KEY_PREFIX'),
                // 0: pending commands are failed when a reconnection attempt fails, not only after a second one;
                // commands in flight when the connection dropped are still re-sent if the reconnect succeeds.
                maxRetriesPerRequest: 0,
                commandTimeout: 2000,
                connectTimeout: 3000,
                // Keeps reconnecting for as long as Redis is down, at most half a second apart, so requests during
                // an outage fail within that and the app recovers by itself as soon as Redis is back (the default
                // backs off to 2 s). A refused connection attempt costs next to nothing.
                retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
                // Lazy: nothing connects until first use, so a start-up that fails elsewhere leaves no socket behind.
                lazyConnect: true,
                // Commands issued by concurrent requests in one event-loop turn share one socket write (profiled:
                // socket writes are a large share of a chat turn's cost).
                enableAutoPipelining: true,
              },
            }),
          }),
        ]
      : [];
    return {
      module: RedisInfraModule,
      imports,
      providers: [
        ...(redisUrl
          ? [
              RedisClientCloser,
              { provide: RedisConnection, inject: [REDIS], useFactory: (redis: Redis) => new RedisConnection(redis) },
            ]
          : [{ provide: RedisConnection, useValue: new RedisConnection(null) }]),
        {
          provide: PubSub,
          inject: [RedisConnection],
          useFactory: ({ client }: RedisConnection) => (client ? new RedisPubSub(client) : new LocalPubSub()),
        },
        {
          provide: KeyValueStore,
          inject: [RedisConnection],
          useFactory: ({ client }: RedisConnection) =>
            client ? new RedisKeyValueStore(client) : new LocalKeyValueStore(),
        },
      ],
      exports: [PubSub, KeyValueStore, RedisConnection, ...(redisUrl ? [RedisModule] : [])],
    };
  }
}
