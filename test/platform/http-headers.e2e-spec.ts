import helmet from 'helmet';

import { bootTestApp, TestApp } from 'test/support/test-app';

/** The headers helmet sets with the app's options, read off a throwaway response. */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'cross-origin' } })(
    {} as never,
    res as never,
    () => undefined,
  );
  return headers;
}

describe('HTTP edge: headers every response carries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  it('answers liveness with the Terminus body, uncached', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect(res.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  });

  it.each([
    ['liveness', 'get', '/health'],
    ['an unknown route', 'get', '/no/such/route'],
    ['a static file', 'get', '/widget.js'],
    ['a refused admin call', 'post', '/admin/business'],
  ] as const)('puts helmet headers, a request id and Vary: Origin on %s', async (_name, method, path) => {
    const res = await t.http[method](path);
    expect(res.headers).toMatchObject(helmetHeaders());
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
    expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id,Retry-After');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('gives CORS preflights a request id too', async () => {
    const res = await t.http
      .options('/chat')
      .set('Origin', 'https://stranger.example.net')
      .set('Access-Control-Request-Method', 'POST')
      .set('X-Request-Id', 'preflight-123456');
    expect(res.headers['x-request-id']).toBe('preflight-123456');
  });

  it('still parses and inspects a body on a method that rarely has one', async () => {
    const res = await t.http
      .delete('/admin/business/acme')
      .set(t.admin)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'HTTP.INVALID_JSON' });
  });
});
