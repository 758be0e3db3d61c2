import type { NextFunction, Request, Response } from 'express';

import { securityHeaders } from 'src/common/http/response-headers';

/**
 * The platform's own pages (demo, admin console, API docs) run only their own scripts and styles: no inline script
 * or style, no plugins, no framing by other sites. Business logos are https images from anywhere. The widget on a
 * business's site is governed by that site's CSP, not this one (README, "Web widget").
 */
const STRICT = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // TLS is the proxy's job (HSTS is sent); upgrading would break plain-http local and test servers.
  upgradeInsecureRequests: null,
};

/** Swagger UI's page carries inline <style> blocks; its scripts are files, so only styles are relaxed there. */
const SWAGGER = { ...STRICT, styleSrc: ["'self'", "'unsafe-inline'"] };

/** helmet's headers with the strict policy (Swagger's on /docs), each computed once at start-up (response-headers). */
export function platformSecurityHeaders() {
  const common = { crossOriginResourcePolicy: { policy: 'cross-origin' as const } };
  const strict = securityHeaders({ ...common, contentSecurityPolicy: { useDefaults: false, directives: STRICT } });
  const docs = securityHeaders({ ...common, contentSecurityPolicy: { useDefaults: false, directives: SWAGGER } });
  return (req: Request, res: Response, next: NextFunction) =>
    (req.path === '/docs' || req.path.startsWith('/docs/') ? docs : strict)(req, res, next);
}
