import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config.service';
import { REDIS } from 'src/redis/redis-infra.module';
import { SessionStore } from 'src/session/session-store.port';
import { MemorySessionStore } from 'src/session/stores/memory.session-store';
import { RedisSessionStore } from 'src/session/stores/redis.session-store';

export const sessionStoreProvider: Provider = {
  provide: SessionStore,
  inject: [AppConfig, { token: REDIS, optional: true }],
  useFactory: (config: AppConfig, redis?: Redis): SessionStore => {
    const ttl = config.get('SESSION_TTL_SECONDS');
    return redis ? new RedisSessionStore(redis, ttl) : new MemorySessionStore(ttl);
  },
};
