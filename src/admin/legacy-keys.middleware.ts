import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * Legacy admin clients send snake_case keys (business_id, cta_tree). Only top-level keys are renamed:
 * nested maps such as ctaTree are keyed by tenant-chosen ids that must stay as written.
 */
@Injectable()
export class LegacyKeysMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const body: unknown = req.body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        const key = camel(k);
        if (key !== k && key in (body as object)) continue;
        out[key] = v;
      }
      req.body = out;
    }
    next();
  }
}
