import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';

import { HttpErrors } from 'src/common/http/http.errors';

/**
 * Accepts only `Content-Type: application/json`. A cross-site HTML form can post urlencoded or text/plain without a
 * CORS preflight, but never JSON, so requiring JSON keeps other sites' pages from driving these routes.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.is('application/json')) throw HttpErrors.unsupportedMediaType('application/json');
    return true;
  }
}
