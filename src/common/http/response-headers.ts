import cors, { type CorsOptions } from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** What a header middleware did to a response, to be done again on every response without running it. */
type HeaderOp = readonly [name: string, value: string | number | readonly string[]] | readonly [name: string];

/**
 * Runs `middleware` once against a stand-in request and response and records the headers it sets and removes. It
 * must finish synchronously and call `next()` without an error, which is how a middleware shows that its headers do
 * not depend on anything but its options; otherwise start-up fails rather than serve the wrong headers.
 */
function recordHeaders(middleware: RequestHandler, req: Pick<Request, 'method' | 'headers'>): HeaderOp[] {
  const headers = new Map<string, HeaderOp>();
  const res = {
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), [name, value]);
      return this;
    },
    removeHeader: (name: string) => void headers.set(name.toLowerCase(), [name]),
  };
  let done = false;
  middleware(req as Request, res as unknown as Response, (err?: unknown) => {
    if (err !== undefined) throw new Error(`header middleware failed at start-up: ${String(err)}`);
    done = true;
  });
  if (!done) throw new Error('header middleware did not finish synchronously: its headers are not static');
  return [...headers.values()];
}

function containsFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(containsFunction);
}

function replay(ops: readonly HeaderOp[], res: Response): void {
  for (const op of ops) {
    if (op.length === 2) res.setHeader(op[0], op[1]);
    else res.removeHeader(op[0]);
  }
}

/**
 * helmet's headers, computed once from its options instead of by its chain of a dozen middlewares on every request.
 * Its options are plain values, so its headers are the same on every response; a function among them (a CSP nonce)
 * would be called once and its first answer frozen, so such options are refused at start-up.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  if (containsFunction(options)) throw new Error('securityHeaders takes static helmet options (no functions)');
  const ops = recordHeaders(helmet(options), { method: 'GET', headers: {} });
  return (_req: Request, res: Response, next: NextFunction) => {
    replay(ops, res);
    next();
  };
}

/**
 * The cors middleware, with its answer to the commonest request precomputed: one without an Origin header (servers,
 * probes, same-origin navigation) that is not a preflight gets the same headers every time (`Vary: Origin` and the
 * exposed headers), so only browser cross-origin requests run the origin check. The origin callback must accept a
 * missing origin synchronously, as the cors middleware itself would ask it on every such request.
 */
export function corsHeaders(options: Readonly<CorsOptions>): RequestHandler {
  const full = cors(options);
  const withoutOrigin = recordHeaders(full, { method: 'GET', headers: {} });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.headers.origin !== undefined || req.method === 'OPTIONS') return full(req, res, next);
    replay(withoutOrigin, res);
    next();
  };
}
