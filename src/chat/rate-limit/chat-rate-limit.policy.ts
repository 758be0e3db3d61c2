import { Injectable, Logger } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';

import { AppConfig } from 'src/config/app-config.service';
import { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';

export const SESSION_THROTTLER = 'chat-session';
export const IP_THROTTLER = 'chat-ip';
/** Per client IP across all tenants, counted before any tenant lookup (made-up business_ids count too). */
export const ANY_TENANT_IP_THROTTLER = 'chat-ip-any-tenant';
export type ChatThrottlerName = typeof SESSION_THROTTLER | typeof IP_THROTTLER | typeof ANY_TENANT_IP_THROTTLER;

// Same shapes the /chat DTO accepts. The guard runs before validation, so anything else is left to the
// ValidationPipe's 400 and never becomes part of a Redis key.
const BUSINESS_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{8,128}$/;

export interface ChatLimits {
  /** Messages per minute per business_id:session_id; 0 disables. */
  session: number;
  /** Requests per minute per client IP (per tenant); 0 disables. */
  ip: number;
}

export interface ChatRateLimitTarget {
  businessId: string | undefined;
  sessionId: string | undefined;
  ip: string;
}

/** Reads who is asking from the raw request: the ids only when well-formed, the IP as Express resolved it. */
export function readTarget(body: unknown, ip: string | undefined): ChatRateLimitTarget {
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const businessId = typeof b.business_id === 'string' && BUSINESS_ID.test(b.business_id) ? b.business_id : undefined;
  const sessionId = typeof b.session_id === 'string' && SESSION_ID.test(b.session_id) ? b.session_id : undefined;
  // req.ip honours X-Forwarded-For only from TRUSTED_PROXIES (the bootstrap's `trust proxy`).
  return { businessId, sessionId, ip: normalizeIp(ip ?? 'unknown') };
}

/**
 * The target of a /chat request (ids in the JSON body) or of a history read (ids in the query). A read is not a
 * message: it has no session id here, so only the IP limits count it, and reloading the widget never uses up the
 * visitor's messages.
 */
export function readRequestTarget(req: { method?: string; body?: unknown; query?: unknown; ip?: string }) {
  if (req.method === 'GET') return { ...readTarget(req.query, req.ip), sessionId: undefined };
  return readTarget(req.body, req.ip);
}

/** A tenant's own setting wins over the platform default; only finite non-negative numbers count. */
export function resolveLimits(defaults: ChatLimits, settings: TenantConfig['settings'] | undefined): ChatLimits {
  const pick = (own: number | undefined, fallback: number) =>
    typeof own === 'number' && Number.isFinite(own) && own >= 0 ? Math.floor(own) : fallback;
  return {
    session: pick(settings?.chatRateLimitPerMinute, defaults.session),
    ip: pick(settings?.ipRateLimitPerMinute, defaults.ip),
  };
}

/**
 * Counter keys, namespaced by purpose and tenant. The IP counter is per tenant too: limits are set per tenant,
 * and one tenant's traffic from a shared office IP must not lock that IP out of another tenant's widget.
 * `null` means the request is not counted by that throttler (malformed ids: the 400 comes later).
 */
export function trackerFor(name: ChatThrottlerName, target: ChatRateLimitTarget): string | null {
  if (name === SESSION_THROTTLER) {
    return target.businessId && target.sessionId ? `session:${target.businessId}:${target.sessionId}` : null;
  }
  if (name === ANY_TENANT_IP_THROTTLER) return `ip-any:${target.ip}`;
  return `ip:${target.businessId ?? '-'}:${target.ip}`;
}

@Injectable()
export class ChatRateLimitPolicy {
  private readonly logger = new Logger(ChatRateLimitPolicy.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantService,
  ) {}

  get defaults(): ChatLimits {
    return {
      session: this.config.get('CHAT_RATE_LIMIT_PER_MINUTE'),
      ip: this.config.get('CHAT_IP_RATE_LIMIT_PER_MINUTE'),
    };
  }

  /** Requests per minute per client IP whatever the tenant; 0 disables. Needs no tenant lookup. */
  get anyTenantIpLimit(): number {
    return this.config.get('CHAT_IP_RATE_LIMIT_ALL_TENANTS_PER_MINUTE');
  }

  /**
   * Limits for a tenant. An unknown or unreadable tenant gets the defaults: the handler answers 404 (or fails)
   * on its own, and rate limiting must not be what turns a database hiccup into an error.
   */
  async limitsFor(businessId: string | undefined): Promise<ChatLimits> {
    if (!businessId) return this.defaults;
    try {
      const business = await this.tenants.getCached(businessId);
      return resolveLimits(this.defaults, business.settings);
    } catch (err) {
      const notFound = (err as { kind?: string }).kind === 'NOT_FOUND';
      if (!notFound)
        this.logger.warn(
          { businessId, err: (err as Error).message },
          'rate limit settings unavailable; using defaults',
        );
      return this.defaults;
    }
  }
}
