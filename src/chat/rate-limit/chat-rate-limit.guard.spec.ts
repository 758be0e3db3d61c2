import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerStorage } from '@nestjs/throttler';

import { ChatRateLimitGuard } from 'src/chat/rate-limit/chat-rate-limit.guard';
import {
  ANY_TENANT_IP_THROTTLER,
  type ChatLimits,
  ChatRateLimitPolicy,
  IP_THROTTLER,
  readRequestTarget,
  SESSION_THROTTLER,
  trackerFor,
} from 'src/chat/rate-limit/chat-rate-limit.policy';
import { strictMock } from 'test/support/strict-mock';

const throttler = (name: string) => ({
  name,
  ttl: 60_000,
  limit: 1,
  getTracker: (req: Record<string, unknown>) =>
    trackerFor(name as typeof SESSION_THROTTLER, readRequestTarget(req as never)) ?? '',
  generateKey: (_c: unknown, tracker: string) => `ratelimit:chat:${tracker}`,
  setHeaders: false,
});

function contextFor(body: Record<string, unknown>): ExecutionContext {
  const req = { method: 'POST', body, ip: '203.0.113.7', headers: {} };
  const handler = () => undefined;
  class ChatController {}
  return {
    getHandler: () => handler,
    getClass: () => ChatController,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

async function build(anyTenantIpLimit: number, limits: ChatLimits) {
  const increment = jest
    .fn()
    .mockResolvedValue({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  const storage = strictMock<ThrottlerStorage>({ increment });
  const limitsFor = jest.fn().mockResolvedValue(limits);
  const policy = strictMock<ChatRateLimitPolicy>({ anyTenantIpLimit, limitsFor });
  const guard = new ChatRateLimitGuard(
    { throttlers: [throttler(ANY_TENANT_IP_THROTTLER), throttler(SESSION_THROTTLER), throttler(IP_THROTTLER)] },
    storage,
    new Reflector(),
    policy,
  );
  await guard.onModuleInit();
  return { guard, increment, limitsFor };
}

const body = { business_id: 'acme', session_id: 'session-123', message: 'hi' };

describe(ChatRateLimitGuard.name, () => {
  it('lets a request through uncounted when every limit that applies to it is off', async () => {
    const { guard, increment, limitsFor } = await build(0, { session: 0, ip: 0 });
    await expect(guard.canActivate(contextFor(body))).resolves.toBe(true);
    expect(increment).not.toHaveBeenCalled();
    expect(limitsFor).toHaveBeenCalledTimes(1);
  });

  it('counts the session and the IP under the tenant limits that are on', async () => {
    const { guard, increment } = await build(0, { session: 5, ip: 0 });
    await expect(guard.canActivate(contextFor(body))).resolves.toBe(true);
    expect(increment.mock.calls.map(([key]) => key)).toEqual(['ratelimit:chat:session:acme:session-123']);
  });

  it('counts the platform-wide IP limit before looking the tenant up', async () => {
    const order: string[] = [];
    const { guard, increment, limitsFor } = await build(100, { session: 0, ip: 0 });
    increment.mockImplementation((key: string) => {
      order.push(key);
      return Promise.resolve({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    });
    limitsFor.mockImplementation(() => {
      order.push('tenant lookup');
      return Promise.resolve({ session: 0, ip: 0 });
    });
    await expect(guard.canActivate(contextFor(body))).resolves.toBe(true);
    expect(order).toEqual(['ratelimit:chat:ip-any:203.0.113.7', 'tenant lookup']);
  });
});
