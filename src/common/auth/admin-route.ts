import type { Request } from 'express';

/** The matched route's pattern (`/admin/business/:id/crm`), never the raw URL with its ids and query. */
export function routePattern(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unknown';
}
