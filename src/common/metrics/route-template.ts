import type { IncomingMessage } from 'node:http';

/** Label for requests no route matched (static files, 404s): their URLs are unbounded, so they share one value. */
export const UNMATCHED_ROUTE = 'unmatched';

interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** The Express route template that handled the request (`/admin/business/:id`); never the raw URL. */
export function routeTemplate(req: IncomingMessage): string {
  const { route, baseUrl } = req as RoutedRequest;
  if (!route || typeof route.path !== 'string') return UNMATCHED_ROUTE;
  return `${baseUrl ?? ''}${route.path}`;
}
