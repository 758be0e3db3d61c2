import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';

import { ChatRateLimitGuard } from 'src/chat/rate-limit/chat-rate-limit.guard';
import {
  ANY_TENANT_IP_THROTTLER,
  ChatRateLimitPolicy,
  ChatThrottlerName,
  IP_THROTTLER,
  readRequestTarget,
  SESSION_THROTTLER,
  trackerFor,
} from 'src/chat/rate-limit/chat-rate-limit.policy';
import { RedisConnection } from 'src/redis/redis-connection';
import { TenantModule } from 'src/tenant/tenant.module';

const MINUTE_MS = 60_000;

const throttler = (name: ChatThrottlerName) => ({
  name,
  ttl: MINUTE_MS,
  // The real limit is resolved per tenant by ChatRateLimitGuard; this placeholder is never used for counting.
  limit: 1,
  // Empty tracker = not counted by this throttler (see trackerFor).
  getTracker: (req: Record<string, unknown>) => trackerFor(name, readRequestTarget(req as unknown as Request)) ?? '',
  generateKey: (_context: unknown, tracker: string) => `ratelimit:chat:${tracker}`,
  // Retry-After is set by the error filter from the AppError, not as throttler-suffixed headers.
  setHeaders: false,
});

/**
 * Rate limits for the chat endpoints. Import this module and put `@UseGuards(ChatRateLimitGuard)` on the
 * handlers. Counters live in Redis when REDIS_URL is set (shared by every instance), in memory otherwise.
 */
@Module({
  imports: [
    TenantModule,
    ThrottlerModule.forRootAsync({
      inject: [RedisConnection],
      useFactory: ({ client }: RedisConnection) => ({
        // Order matters: throttlers run in this order (equal TTLs keep it) and the first refusal stops the rest.
        throttlers: [throttler(ANY_TENANT_IP_THROTTLER), throttler(SESSION_THROTTLER), throttler(IP_THROTTLER)],
        // Its script gets both keys as EVAL KEYS, so the shared client's namespace (keyPrefix) covers the counters.
        ...(client ? { storage: new ThrottlerStorageRedisService(client) } : {}),
      }),
    }),
  ],
  providers: [ChatRateLimitPolicy, ChatRateLimitGuard],
  exports: [ChatRateLimitPolicy, ChatRateLimitGuard],
})
export class ChatRateLimitModule {}
