import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';

import { AdminAuditLog } from 'src/common/auth/admin-audit.port';
import type { AdminRequest } from 'src/common/auth/admin-principal';
import { routePattern } from 'src/common/auth/admin-route';
import { AppError } from 'src/common/errors/app-error';
import { statusForKind } from 'src/common/errors/http-status';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every admin write that got past the admin guard (so it has a principal): successes and failures alike,
 * with the status answered. Requests the guard refused never reach here; they are logged by the guard instead,
 * so unauthenticated traffic cannot fill the append-only table.
 *
 * Applied by `AdminOnly()` beside the guard, not globally: only the guard sets `adminAccess`, so the routes it
 * records are the same, and every other route (chat, health) skips Nest's per-request interceptor pipeline.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AdminAuditLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AdminRequest & { id?: unknown }>();
    const access = req.adminAccess;
    if (!access || access.readOnly || READ_METHODS.has(req.method)) return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    const record = (status: number) =>
      this.audit.record({
        targetBusinessId: recordableBusinessId(access.businessId),
        keyId: access.principal.keyId,
        role: access.principal.role,
        method: req.method,
        route: routePattern(req),
        status,
        requestId: typeof req.id === 'string' ? req.id : null,
      });
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await record(res.statusCode);
        return value;
      }),
      catchError((err: unknown) => from(record(statusOfError(err))).pipe(concatMap(() => throwError(() => err)))),
    );
  }
}

/**
 * Business ids are at most 64 characters; a longer path segment names no business and is not stored (cut short,
 * it could name a real one).
 */
function recordableBusinessId(id: string | undefined): string | null {
  return id !== undefined && id.length <= 64 ? id : null;
}

/** The status the exception filter will answer with. */
function statusOfError(err: unknown): number {
  if (err instanceof AppError) return statusForKind(err.kind);
  if (err instanceof HttpException) return err.getStatus();
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}
