import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';

import { AppConfig } from 'src/config/app-config.service';
import { BUSINESS_ID_PATTERN } from 'src/tenant/dto/upsert-business.dto';
import { TenantErrors } from 'src/tenant/tenant.errors';
import { TenantService } from 'src/tenant/tenant.service';
import { normalizeOrigin } from 'src/tenant/tenant-origins.registry';

/**
 * When a tenant lists `allowedOrigins`, browser requests for it from any other page are refused. CORS alone cannot
 * do this: preflights carry no tenant, so the HTTP layer allows the union of all tenants' origins, and simple
 * requests are not preflighted at all. Requests without Origin (servers, curl) pass; a browser always sends one on
 * a cross-origin request. The tenant comes from the `id` path parameter, the body's `business_id` or the query's (GET /chat/history); an unknown or
 * malformed one passes, to get the handler's own 404 or 400.
 */
@Injectable()
export class TenantOriginGuard implements CanActivate {
  /** Platform pages (admin console, demo page) may show any tenant's widget; `*` is a CORS setting, not a page. */
  private readonly platformOrigins: Set<string>;

  constructor(
    config: AppConfig,
    private readonly tenants: TenantService,
  ) {
    const publicBase = config.get('PUBLIC_BASE_URL');
    this.platformOrigins = new Set(
      [...config.allowedOrigins.filter((o) => o !== '*'), ...(publicBase ? [publicBase] : [])].map(normalizeOrigin),
    );
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !origin) return true;
    const businessId = tenantOf(req);
    if (!businessId) return true;
    const allowed = await this.tenants.getCached(businessId).then(
      (b) => b.allowedOrigins ?? [],
      () => [],
    );
    if (!allowed.length) return true;
    const normalized = normalizeOrigin(origin);
    if (allowed.some((o) => normalizeOrigin(o) === normalized)) return true;
    if (this.platformOrigins.has(normalized) || isSameOrigin(normalized, req)) return true;
    throw TenantErrors.originNotAllowed();
  }
}

function tenantOf(req: Request): string | undefined {
  const params = req.params as Record<string, unknown> | undefined;
  const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const query = req.query as Record<string, unknown> | undefined;
  const id = params?.id ?? body.business_id ?? query?.business_id;
  return typeof id === 'string' && BUSINESS_ID_PATTERN.test(id) ? id : undefined;
}

/** The platform's own pages (served from this host) call the API with their own origin. */
function isSameOrigin(origin: string, req: Request): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
