import { SetMetadata } from '@nestjs/common';

import { AdminPrincipal, TenantKeyRole } from 'src/common/auth/admin-principal';
import { AuthErrors } from 'src/common/auth/auth.errors';

export const ADMIN_ACCESS = 'admin-access';

/**
 * How a route is scoped. By default the tenant is the `:id` path parameter and a route without one is
 * platform-wide (tenant keys refused), reads need `viewer` and writes `editor`.
 */
export interface AdminRouteAccess {
  /** `body`: the tenant is the body's `businessId`; `filtered`: open to tenant keys, the handler shows only their tenant. */
  tenant?: 'body' | 'filtered';
  /** A higher bar than the method implies: `owner` (key management, audit) or `platform` (platform key only). */
  minRole?: 'owner' | 'platform';
  /**
   * A POST that only reads (simulate, run conversation tests): open to `viewer` like a GET, and, writing nothing,
   * not recorded in the audit log. It takes a body, hence the POST.
   */
  readOnly?: boolean;
}

/** Overrides the default scoping of an admin controller or handler; a handler's setting replaces its controller's whole. */
export const AdminAccess = (access: AdminRouteAccess) => SetMetadata(ADMIN_ACCESS, access);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RANK: Record<TenantKeyRole, number> = { viewer: 0, editor: 1, owner: 2 };

export interface AdminRouteRequest {
  method: string;
  params: Record<string, string | undefined>;
  body: unknown;
}

/** The tenant the request acts on, if any: what the audit log records and what a tenant key must own. */
export function targetTenant(req: AdminRouteRequest, access: AdminRouteAccess): string | undefined {
  if (access.tenant === 'body') {
    const id = (req.body as { businessId?: unknown } | undefined)?.businessId;
    return typeof id === 'string' ? id : undefined;
  }
  return req.params.id;
}

/** Throws 403 `auth.wrong_tenant` or `auth.insufficient_role` unless the principal may make this request. */
export function authorizeAdmin(principal: AdminPrincipal, req: AdminRouteRequest, access: AdminRouteAccess): void {
  if (principal.kind === 'platform') return;
  if (access.tenant !== 'filtered') {
    const tenant = targetTenant(req, access);
    // A body without a string businessId is refused by validation before the handler runs.
    const unchecked = access.tenant === 'body' && tenant === undefined;
    if (!unchecked && tenant !== principal.businessId) throw AuthErrors.wrongTenant();
  }
  if (access.minRole === 'platform') throw AuthErrors.insufficientRole('the platform key');
  const reads = access.readOnly === true || READ_METHODS.has(req.method.toUpperCase());
  const needed: TenantKeyRole = access.minRole ?? (reads ? 'viewer' : 'editor');
  if (RANK[principal.role] < RANK[needed]) throw AuthErrors.insufficientRole(`the ${needed} role or higher`);
}
