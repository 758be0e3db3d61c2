import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export const TENANT_KEY_ROLES = ['owner', 'editor', 'viewer'] as const;
export type TenantKeyRole = (typeof TENANT_KEY_ROLES)[number];

/** Who is calling an admin route: the platform key (every tenant) or one tenant's API key with a role. */
export type AdminPrincipal =
  | { kind: 'platform'; keyId: 'platform'; role: 'platform' }
  | { kind: 'tenant'; keyId: string; role: TenantKeyRole; businessId: string };

export const PLATFORM_PRINCIPAL: AdminPrincipal = { kind: 'platform', keyId: 'platform', role: 'platform' };

/** What the guard established for this request; the audit interceptor records writes from it. */
export interface AdminAccessContext {
  principal: AdminPrincipal;
  /** The tenant the request acts on, when the route names one. */
  businessId?: string;
  /** A POST that changes nothing (`AdminAccess({ readOnly: true })`): not recorded in the audit log. */
  readOnly?: boolean;
}

export type AdminRequest = Request & { adminAccess?: AdminAccessContext };

/**
 * Port: turns a presented key into a principal, or throws 401. Bound by the access module (tenant keys in
 * Postgres); the guard here only knows the contract.
 */
export abstract class AdminPrincipalResolver {
  abstract resolve(presentedKey: string): Promise<AdminPrincipal>;
}

/** The principal of the current admin request (set by the admin guard). */
export const CurrentAdmin = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminPrincipal => {
  const access = ctx.switchToHttp().getRequest<AdminRequest>().adminAccess;
  if (!access) throw new Error('CurrentAdmin used on a route without AdminOnly()');
  return access.principal;
});
