import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';

import {
  ANY_TENANT_IP_THROTTLER,
  ChatLimits,
  ChatRateLimitPolicy,
  ChatRateLimitTarget,
  ChatThrottlerName,
  readRequestTarget,
  SESSION_THROTTLER,
} from 'src/chat/rate-limit/chat-rate-limit.policy';
import { RateLimitErrors } from 'src/chat/rate-limit/rate-limit.errors';

interface Resolved {
  target: ChatRateLimitTarget;
  limits: ChatLimits;
}

/**
 * The /chat limits: per client IP across tenants (platform-wide), then per conversation and per client IP, each
 * resolved per tenant at request time (0 disables).
 * Counting and storage are @nestjs/throttler's (Redis-backed when configured, so every instance shares the
 * counters); this class only decides the limit and the key, and answers in the platform's error format.
 */
@Injectable()
export class ChatRateLimitGuard extends ThrottlerGuard {
  // Both throttlers of one request share a single tenant lookup.
  private readonly resolved = new WeakMap<Request, Promise<Resolved>>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly policy: ChatRateLimitPolicy,
  ) {
    super(options, storage, reflector);
  }

  /**
   * A request no throttler would count (every limit that applies to it is 0) skips the library's per-throttler
   * option lookups and awaits. The platform-wide limit is checked first, as in handleRequest, so while it is on no
   * tenant is looked up before it has counted.
   */
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (this.policy.anyTenantIpLimit > 0) return false;
    const { limits } = await this.resolve(context.switchToHttp().getRequest<Request>());
    return limits.session <= 0 && limits.ip <= 0;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const req = props.context.switchToHttp().getRequest<Request>();
    const name = props.throttler.name as ChatThrottlerName;
    // Runs first (see the module's throttler order) and without the tenant, so a flood of made-up business_ids
    // is stopped by one Redis counter instead of costing a tenant lookup each.
    if (name === ANY_TENANT_IP_THROTTLER) {
      const limit = this.policy.anyTenantIpLimit;
      return limit <= 0 ? true : super.handleRequest({ ...props, limit });
    }
    const { limits } = await this.resolve(req);
    const limit = name === SESSION_THROTTLER ? limits.session : limits.ip;
    if (limit <= 0) return true;
    const tracker = await props.getTracker(req, props.context);
    if (!tracker) return true;
    return super.handleRequest({ ...props, limit });
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // The window's end, or the block's when that is later: the earliest moment a retry can succeed.
    const retryAfter = Math.max(1, detail.timeToBlockExpire, detail.isBlocked ? 0 : detail.timeToExpire);
    throw detail.tracker.startsWith('session:') ? RateLimitErrors.session(retryAfter) : RateLimitErrors.ip(retryAfter);
  }

  private resolve(req: Request): Promise<Resolved> {
    let pending = this.resolved.get(req);
    if (!pending) {
      const target = readRequestTarget(req);
      pending = this.policy.limitsFor(target.businessId).then((limits) => ({ target, limits }));
      this.resolved.set(req, pending);
    }
    return pending;
  }
}
