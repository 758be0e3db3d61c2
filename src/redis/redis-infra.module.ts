import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { getRedisConnectionToken, RedisModule } from '@nestjs-modules/ioredis';
import type Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config.service';
import { KeyValueStore } from 'src/redis/key-value-store.port';
import { LocalKeyValueStore } from 'src/redis/local.key-value-store';
import { LocalPubSub } from 'src/redis/local.pub-sub';
import { PubSub } from 'src/redis/pub-sub.port';
import { RedisConnection } from 'src/redis/redis-connection';
import { RedisKeyValueStore } from 'src/redis/redis.key-value-store';
import { RedisPubSub } from 'src/redis/redis.pub-sub';

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
 * Redis when configured, in-process equivalents otherwise. Clients fail fast (one retry, 2 s command timeout)
 * so a Redis outage turns into quick errors instead of hung requests.
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
                maxRetriesPerRequest: 1,
                commandTimeout: 2000,
                connectTimeout: 3000,
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
          ? [RedisClientCloser, { provide: RedisConnection, inject: [REDIS], useFactory: (redis: Redis) => new RedisConnection(redis) }]
          : [{ provide: RedisConnection, useValue: new RedisConnection(null) }]),
        {
          provide: PubSub,
          inject: [RedisConnection],
          useFactory: ({ client }: RedisConnection) => (client ? new RedisPubSub(client) : new LocalPubSub()),
        },
        {
          provide: KeyValueStore,
          inject: [RedisConnection],
          useFactory: ({ client }: RedisConnection) => (client ? new RedisKeyValueStore(client) : new LocalKeyValueStore()),
        },
      ],
      exports: [PubSub, KeyValueStore, RedisConnection, ...(redisUrl ? [RedisModule] : [])],
    };
  }
}
