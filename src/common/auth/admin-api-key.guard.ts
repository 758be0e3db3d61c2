import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  Logger,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';

import { ADMIN_ACCESS, AdminRouteAccess, authorizeAdmin, targetTenant } from 'src/common/auth/admin-access.policy';
import { AdminAuditInterceptor } from 'src/common/auth/admin-audit.interceptor';
import { AdminPrincipalResolver, AdminRequest } from 'src/common/auth/admin-principal';
import { routePattern } from 'src/common/auth/admin-route';
import { AuthErrors } from 'src/common/auth/auth.errors';
import { AppError } from 'src/common/errors/app-error';

/** The key in the X-Admin-API-Key header; `ADMIN_BEARER_SCHEME` documents the same key as a bearer token. */
export const ADMIN_SECURITY_SCHEME = 'admin-api-key';
export const ADMIN_BEARER_SCHEME = 'admin-bearer';

export function presentedAdminKey(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers['x-admin-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return undefined;
}

/**
 * Resolves the caller (platform key, or a tenant key with its role), then checks the route's tenant and the
 * role against the operation. The result is left on the request for handlers and the audit log.
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('AdminAccess');

  constructor(
    private readonly principals: AdminPrincipalResolver,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const presented = presentedAdminKey(req);
    if (!presented) throw AuthErrors.missingKey();
    const principal = await this.principals.resolve(presented);
    const access =
      this.reflector.getAllAndOverride<AdminRouteAccess | undefined>(ADMIN_ACCESS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    const route = {
      method: req.method,
      params: req.params as Record<string, string | undefined>,
      body: req.body as unknown,
    };
    try {
      authorizeAdmin(principal, route, access);
    } catch (err) {
      if (err instanceof AppError) {
        this.logger.warn(
          { keyId: principal.keyId, code: err.code, method: req.method, route: routePattern(req) },
          'admin request refused',
        );
      }
      throw err;
    }
    req.adminAccess = {
      principal,
      businessId: targetTenant(route, access),
      ...(access.readOnly ? { readOnly: true } : {}),
    };
    return true;
  }
}

/**
 * Guards a controller or handler with an admin key (platform or tenant), audits the writes it lets through, and
 * documents both ways of sending the key.
 */
export function AdminOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(AdminApiKeyGuard),
    UseInterceptors(AdminAuditInterceptor),
    ApiSecurity(ADMIN_SECURITY_SCHEME),
    ApiSecurity(ADMIN_BEARER_SCHEME),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked admin API key' }),
    ApiForbiddenResponse({
      description:
        'A tenant key outside its own business (auth.wrong_tenant) or beyond its role (auth.insufficient_role)',
    }),
  );
}
