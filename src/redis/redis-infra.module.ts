import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { getRedisConnectionToken, RedisModule } from '@nestjs-modules/ioredis';
import type Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config.service';
import { LocalPubSub } from 'src/redis/local.pub-sub';
import { PubSub } from 'src/redis/pub-sub.port';
import { RedisPubSub } from 'src/redis/redis.pub-sub';

/** The optional Redis token: present only when REDIS_URL is set. Inject with `@Optional() @Inject(REDIS)`. */
export const REDIS = getRedisConnectionToken();

/**
 * @nestjs-modules/ioredis tracks its connections in a static set that the first app to shut down empties, so a
 * second app in the same process (tests, CLIs) would leave its client open. Each app closes its own client here.
 */
@Injectable()
class RedisClientCloser implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS) private readonly redis?: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'end') return;
    await redis.quit().catch(() => redis.disconnect());
  }
}

/**
 * Redis when configured, in-process equivalents otherwise. Clients fail fast (one retry, 2 s command timeout)
 * so a Redis outage turns into quick errors (a 503 from the exception filter) instead of hung requests. The offline
 * queue stays on so a command issued during a sub-second blip (a restart, a failover) waits for the reconnect
 * instead of failing, still bounded by the command timeout.
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
                maxRetriesPerRequest: 1,
                commandTimeout: 2000,
                connectTimeout: 3000,
                // Keeps reconnecting for as long as Redis is down, at most a second apart, so the app recovers by
                // itself within a second of Redis coming back (the default backs off to 2 s).
                retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
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
        RedisClientCloser,
        {
          provide: PubSub,
          inject: [{ token: REDIS, optional: true }],
          useFactory: (redis?: Redis) => (redis ? new RedisPubSub(redis) : new LocalPubSub()),
        },
      ],
      exports: [PubSub, ...(redisUrl ? [RedisModule] : [])],
    };
  }
}
