import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

import cors, { type CorsOptions } from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

import { corsHeaders, securityHeaders } from 'src/common/http/response-headers';

function exchange(method: string, headers: Record<string, string> = {}) {
  const req = new IncomingMessage(new Socket());
  Object.assign(req, { method, url: '/chat', headers });
  const res = new ServerResponse(req);
  return { req: req as Request, res: res as unknown as Response };
}

/** The headers a middleware leaves on a fresh response, and whether it passed the request on. */
async function headersAfter(middleware: RequestHandler, method: string, headers: Record<string, string> = {}) {
  const { req, res } = exchange(method, headers);
  const passedOn = await new Promise<boolean>((resolve) => {
    // A response with no socket never emits 'finish'; ending it is what answering looks like here.
    res.end = (() => {
      resolve(false);
      return res;
    }) as Response['end'];
    void middleware(req, res, () => resolve(true));
  });
  return { headers: res.getHeaders(), passedOn, status: res.statusCode };
}

const HELMET: HelmetOptions = { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'cross-origin' } };

describe(securityHeaders.name, () => {
  it.each([
    ['the app', HELMET],
    ['the defaults, with a CSP', {}],
  ])('sets exactly the headers helmet sets, for %s', async (_name, options) => {
    const ours = await headersAfter(securityHeaders(options), 'GET');
    const theirs = await headersAfter(helmet(options), 'GET');
    expect(ours).toEqual(theirs);
    expect(ours.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
  });

  it('refuses options whose headers would depend on the request', () => {
    const nonce: HelmetOptions = {
      contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-abc'"] } },
    };
    expect(() => securityHeaders(nonce)).toThrow('static helmet options');
  });
});

describe(corsHeaders.name, () => {
  const allowed = 'https://widget.example.com';
  const options: CorsOptions = {
    origin: (origin, done) => {
      if (!origin) return done(null, true);
      setImmediate(() => done(null, origin === allowed));
    },
    allowedHeaders: ['Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
  };

  it.each([
    ['a request without Origin', 'GET', {}],
    ['a POST without Origin', 'POST', {}],
    ['an allowed origin', 'POST', { origin: allowed }],
    ['a refused origin', 'POST', { origin: 'https://evil.example.net' }],
    ['a preflight', 'OPTIONS', { origin: allowed, 'access-control-request-method': 'POST' }],
    ['a refused preflight', 'OPTIONS', { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' }],
  ])('answers %s exactly as the cors middleware does', async (_name, method, headers: Record<string, string>) => {
    const ours = await headersAfter(corsHeaders(options), method, headers);
    const theirs = await headersAfter(cors(options), method, headers);
    expect(ours).toEqual(theirs);
  });

  it('marks responses to requests without Origin as varying by Origin, so caches keep them apart', async () => {
    const { headers } = await headersAfter(corsHeaders(options), 'GET');
    expect(headers).toEqual({ vary: 'Origin', 'access-control-expose-headers': 'X-Request-Id,Retry-After' });
  });

  it('refuses at start-up an origin check that cannot answer a missing origin at once', () => {
    const slow: CorsOptions = { origin: (_origin, done) => setImmediate(() => done(null, true)) };
    expect(() => corsHeaders(slow)).toThrow('not static');
  });
});
