import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

import { type Options, pinoHttp } from 'pino-http';

import { loggerParams, prettyLogs } from 'src/common/logging';

describe(prettyLogs.name, () => {
  it.each([
    ['development', true, true],
    ['development', false, false],
    ['production', true, false],
    ['production', false, false],
    ['test', true, false],
  ] as const)('with NODE_ENV=%s and a terminal on stdout: %s, prints pretty lines: %s', (env, tty, pretty) => {
    expect(prettyLogs(env, tty)).toBe(pretty);
  });
});

describe(loggerParams.name, () => {
  it('sends logs through pino-pretty when asked to', () => {
    const params = loggerParams('info', true).pinoHttp as { transport?: { target: string } };
    expect(params.transport?.target).toBe('pino-pretty');
  });

  it('writes JSON to stdout otherwise', () => {
    expect(loggerParams('info', false).pinoHttp).not.toHaveProperty('transport');
  });
});

describe('request logging', () => {
  /** pino-http built from loggerParams, writing JSON lines into an array instead of stdout. */
  function build(level = 'info') {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const middleware = pinoHttp(loggerParams(level).pinoHttp as Options, stream);
    return { middleware, lines };
  }

  function exchange(url: string, headers: Record<string, string> = {}) {
    const req = new IncomingMessage(new Socket());
    Object.assign(req, { method: 'POST', url, headers });
    const res = new ServerResponse(req);
    return { req, res };
  }

  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('logs method, path without query, status and request id, and never the credentials sent', async () => {
    const { middleware, lines } = build();
    const { req, res } = exchange('/admin/business/acme?q=alice@example.com', {
      authorization: 'Bearer cpk_secret',
      'x-admin-api-key': 'platform-secret',
      'x-request-id': 'client-given-id-1',
    });
    middleware(req, res, () => undefined);
    res.statusCode = 403;
    res.emit('finish');
    await flush();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      req: { id: 'client-given-id-1', method: 'POST', url: '/admin/business/acme' },
      res: { statusCode: 403 },
    });
    expect(res.getHeader('X-Request-Id')).toBe('client-given-id-1');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret');
    expect(text).not.toContain('alice@example.com');
  });

  it('generates a request id when the given one is malformed, and logs errors with their message', async () => {
    const { middleware, lines } = build();
    const { req, res } = exchange('/chat', { 'x-request-id': 'bad id!' });
    middleware(req, res, () => undefined);
    res.statusCode = 500;
    res.emit('error', new Error('socket exploded'));
    await flush();

    const id = res.getHeader('X-Request-Id') as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[0]).toMatchObject({ level: 50, req: { id, url: '/chat' }, err: { message: 'socket exploded' } });
  });

  it('keeps the path a mounted middleware saw stripped', async () => {
    const { middleware, lines } = build();
    const { req, res } = exchange('/business/acme');
    Object.assign(req, { originalUrl: '/admin/business/acme?x=1' });
    middleware(req, res, () => undefined);
    res.emit('finish');
    await flush();

    expect(lines[0]).toMatchObject({ req: { url: '/admin/business/acme' }, res: { statusCode: 200 } });
  });

  it('does not log successful health probes', async () => {
    const { middleware, lines } = build();
    const { req, res } = exchange('/health');
    middleware(req, res, () => undefined);
    res.emit('finish');
    await flush();

    expect(lines).toHaveLength(0);
    expect(res.getHeader('X-Request-Id')).toEqual(expect.any(String));
  });
});
