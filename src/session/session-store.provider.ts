import type { Provider } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { RedisConnection } from 'src/redis/redis-connection';
import { SessionStore } from 'src/session/session-store.port';
import { MemorySessionStore } from 'src/session/stores/memory.session-store';
import { RedisSessionStore } from 'src/session/stores/redis.session-store';

export const sessionStoreProvider: Provider = {
  provide: SessionStore,
  inject: [AppConfig, RedisConnection],
  useFactory: (config: AppConfig, { client }: RedisConnection): SessionStore => {
    const ttl = config.get('SESSION_TTL_SECONDS');
    return client ? new RedisSessionStore(client, ttl) : new MemorySessionStore(ttl);
  },
};
