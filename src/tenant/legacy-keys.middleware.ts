import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { camelizeTopLevelKeys } from 'src/tenant/legacy-business';

/** Lets legacy admin clients post snake_case business configs; runs before validation. */
@Injectable()
export class LegacyKeysMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const body: unknown = req.body;
    if (body && typeof body === 'object' && !Array.isArray(body))
      req.body = camelizeTopLevelKeys(body as Record<string, unknown>);
    next();
  }
}
