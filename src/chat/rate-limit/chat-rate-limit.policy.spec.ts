import {
  ANY_TENANT_IP_THROTTLER,
  ChatRateLimitPolicy,
  IP_THROTTLER,
  readTarget,
  resolveLimits,
  SESSION_THROTTLER,
  trackerFor,
} from 'src/chat/rate-limit/chat-rate-limit.policy';
import type { AppConfig } from 'src/config/app-config.service';
import { TenantErrors } from 'src/tenant/tenant.errors';
import type { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';

const SESSION = 'c3f1a9e2-5b7d-4e0a-9f3c-2d8b6a1e4f70';

describe('chat rate limit resolution', () => {
  describe(readTarget.name, () => {
    it('reads well-formed ids from the body and normalises the client IP', () => {
      expect(readTarget({ business_id: 'acme', session_id: SESSION, message: 'hi' }, '::ffff:10.0.0.7')).toEqual({
        businessId: 'acme',
        sessionId: SESSION,
        ip: '10.0.0.7',
      });
    });

    it.each([
      ['a non-object body', 'nope'],
      ['ids of the wrong type', { business_id: 42, session_id: ['x'] }],
      ['ids that could smuggle key separators', { business_id: 'acme:other', session_id: 'short' }],
      ['an over-long session id', { business_id: 'acme', session_id: 'x'.repeat(129) }],
    ])('ignores %s', (_case, body) => {
      const target = readTarget(body, '10.0.0.7');
      expect(target.businessId === undefined || target.sessionId === undefined).toBe(true);
      expect(target.sessionId).toBeUndefined();
    });
  });

  describe(resolveLimits.name, () => {
    const defaults = { session: 5, ip: 60 };

    it('uses the platform defaults when the tenant sets nothing', () => {
      expect(resolveLimits(defaults, {})).toEqual({ session: 5, ip: 60 });
      expect(resolveLimits(defaults, undefined)).toEqual({ session: 5, ip: 60 });
    });

    it('lets each tenant override either limit, including 0 to disable it', () => {
      expect(resolveLimits(defaults, { chatRateLimitPerMinute: 20 })).toEqual({ session: 20, ip: 60 });
      expect(resolveLimits(defaults, { ipRateLimitPerMinute: 0 })).toEqual({ session: 5, ip: 0 });
    });

    it('ignores nonsensical tenant values', () => {
      expect(resolveLimits(defaults, { chatRateLimitPerMinute: -1, ipRateLimitPerMinute: Number.NaN })).toEqual(
        defaults,
      );
      expect(resolveLimits(defaults, { chatRateLimitPerMinute: 7.9 })).toEqual({ session: 7, ip: 60 });
    });
  });

  describe(trackerFor.name, () => {
    it('keys the session counter by tenant and session', () => {
      expect(trackerFor(SESSION_THROTTLER, { businessId: 'acme', sessionId: SESSION, ip: '1.2.3.4' })).toBe(
        `session:acme:${SESSION}`,
      );
    });

    it('does not count a request without both ids against a session', () => {
      expect(trackerFor(SESSION_THROTTLER, { businessId: 'acme', sessionId: undefined, ip: '1.2.3.4' })).toBeNull();
    });

    it('keys the IP counter per tenant, and still counts requests without a valid tenant', () => {
      expect(trackerFor(IP_THROTTLER, { businessId: 'acme', sessionId: SESSION, ip: '1.2.3.4' })).toBe(
        'ip:acme:1.2.3.4',
      );
      expect(trackerFor(IP_THROTTLER, { businessId: undefined, sessionId: undefined, ip: '1.2.3.4' })).toBe(
        'ip:-:1.2.3.4',
      );
    });
  });

  describe(`${trackerFor.name} across tenants`, () => {
    it('keys the any-tenant IP counter by the IP alone, whatever business_id the request claims', () => {
      expect(trackerFor(ANY_TENANT_IP_THROTTLER, { businessId: 'acme', sessionId: SESSION, ip: '1.2.3.4' })).toBe(
        'ip-any:1.2.3.4',
      );
      expect(trackerFor(ANY_TENANT_IP_THROTTLER, { businessId: 'ghost-1', sessionId: undefined, ip: '1.2.3.4' })).toBe(
        'ip-any:1.2.3.4',
      );
    });
  });

  describe(ChatRateLimitPolicy.name, () => {
    const config = {
      get: (key: string) => ({ CHAT_RATE_LIMIT_PER_MINUTE: 5, CHAT_IP_RATE_LIMIT_PER_MINUTE: 60 })[key],
    } as unknown as AppConfig;
    const tenants = (getCached: TenantService['getCached']) => ({ getCached }) as unknown as TenantService;

    it("applies the tenant's own limits", async () => {
      const sut = new ChatRateLimitPolicy(
        config,
        tenants(async () => ({ settings: { chatRateLimitPerMinute: 2 } }) as TenantConfig),
      );
      await expect(sut.limitsFor('acme')).resolves.toEqual({ session: 2, ip: 60 });
    });

    it('falls back to the defaults for an unknown tenant, leaving the 404 to the handler', async () => {
      const sut = new ChatRateLimitPolicy(
        config,
        tenants(async () => {
          throw TenantErrors.notFound('ghost');
        }),
      );
      await expect(sut.limitsFor('ghost')).resolves.toEqual({ session: 5, ip: 60 });
    });

    it('does not look up a tenant when the request names none', async () => {
      const sut = new ChatRateLimitPolicy(
        config,
        tenants(() => {
          throw new Error('unexpected tenant lookup');
        }),
      );
      await expect(sut.limitsFor(undefined)).resolves.toEqual({ session: 5, ip: 60 });
    });
  });
});
