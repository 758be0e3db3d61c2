import { applyDecorators, CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AdminKeyProvider } from 'src/common/auth/admin-key.provider';
import { constantTimeEquals } from 'src/common/auth/constant-time';
import { AppError } from 'src/common/errors/app-error';

export const ADMIN_SECURITY_SCHEME = 'admin-api-key';

export function presentedAdminKey(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers['x-admin-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return undefined;
}

@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  constructor(private readonly keys: AdminKeyProvider) {}

  canActivate(context: ExecutionContext): boolean {
    const presented = presentedAdminKey(context.switchToHttp().getRequest<Request>());
    if (!presented) throw new AppError('UNAUTHORIZED', 'AUTH.MISSING_KEY', 'Admin API key required (X-Admin-API-Key or Authorization: Bearer)');
    if (!constantTimeEquals(presented, this.keys.value)) {
      throw new AppError('UNAUTHORIZED', 'AUTH.INVALID_KEY', 'Invalid admin API key');
    }
    return true;
  }
}

/** Guards a controller or handler with the admin key and documents the security scheme in OpenAPI. */
export function AdminOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(AdminApiKeyGuard),
    ApiSecurity(ADMIN_SECURITY_SCHEME),
    ApiUnauthorizedResponse({ description: 'Missing or invalid admin API key' }),
  );
}
