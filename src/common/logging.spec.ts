import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

import { PinoLogger } from 'nestjs-pino';
import { pino } from 'pino';

import { loggerOptions, loggerParams, prettyLogs, requestLogging, rootLogger, rootLoggerOf } from 'src/common/logging';

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

describe(loggerOptions.name, () => {
  it('sends logs through pino-pretty when asked to', () => {
    const options = loggerOptions('info', true) as { transport?: { target: string } };
    expect(options.transport?.target).toBe('pino-pretty');
  });

  it('writes JSON to stdout otherwise', () => {
    expect(loggerOptions('info', false)).not.toHaveProperty('transport');
  });

  it('hands nestjs-pino the root logger and keeps its own request middleware off every route', () => {
    const root = pino(loggerOptions('info'));
    const params = loggerParams(root);
    expect(rootLoggerOf(params)).toBe(root);
    expect(params).toMatchObject({ useExisting: true, forRoutes: [] });
  });

  it('refuses to guess the root logger of params it did not build', () => {
    expect(() => rootLoggerOf({ pinoHttp: { level: 'info' } })).toThrow('not built by loggerParams');
  });

  it('builds a root logger at the level asked for', () => {
    expect(rootLogger('warn').level).toBe('warn');
  });
});

describe(requestLogging.name, () => {
  /** The middleware over a root logger writing JSON lines into an array instead of stdout. */
  function build(level = 'info') {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { sut: requestLogging(pino(loggerOptions(level), stream)), lines };
  }

  function exchange(url: string, headers: Record<string, string> = {}) {
    const req = new IncomingMessage(new Socket());
    Object.assign(req, { method: 'POST', url, headers });
    const res = new ServerResponse(req);
    return { req, res };
  }

  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('logs method, path without query, status and request id, and never the credentials sent', async () => {
    const { sut, lines } = build();
    const { req, res } = exchange('/admin/business/acme?q=alice@example.com', {
      authorization: 'Bearer cpk_secret',
      'x-admin-api-key': 'platform-secret',
      'x-request-id': 'client-given-id-1',
    });
    sut(req, res, () => undefined);
    res.statusCode = 403;
    res.emit('close');
    await flush();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'request completed',
      req: { id: 'client-given-id-1', method: 'POST', url: '/admin/business/acme' },
      res: { statusCode: 403 },
      responseTime: expect.any(Number),
    });
    expect(res.getHeader('X-Request-Id')).toBe('client-given-id-1');
    expect(req.id).toBe('client-given-id-1');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret');
    expect(text).not.toContain('alice@example.com');
  });

  it('generates a request id when the given one is malformed, and logs a broken response once, as an error', async () => {
    const { sut, lines } = build();
    const { req, res } = exchange('/chat', { 'x-request-id': 'bad id!' });
    sut(req, res, () => undefined);
    res.emit('error', new Error('socket exploded'));
    res.emit('close');
    await flush();

    const id = res.getHeader('X-Request-Id') as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'request errored',
      req: { id, url: '/chat' },
      err: { message: 'socket exploded' },
    });
  });

  it('logs a 5xx as an error naming its status', async () => {
    const { sut, lines } = build();
    const { req, res } = exchange('/chat');
    sut(req, res, () => undefined);
    res.statusCode = 503;
    res.emit('close');
    await flush();

    expect(lines[0]).toMatchObject({ level: 50, err: { message: 'failed with status code 503' } });
  });

  it('writes nothing for responses below the configured level', async () => {
    const { sut, lines } = build('warn');
    const { req, res } = exchange('/chat');
    sut(req, res, () => undefined);
    res.emit('close');
    await flush();

    expect(lines).toHaveLength(0);
  });

  it('logs the full path even where a mounted middleware stripped it from url', async () => {
    const { sut, lines } = build();
    const { req, res } = exchange('/business/acme');
    Object.assign(req, { originalUrl: '/admin/business/acme?x=1' });
    sut(req, res, () => undefined);
    res.emit('close');
    await flush();

    expect(lines[0]).toMatchObject({ req: { url: '/admin/business/acme' }, res: { statusCode: 200 } });
  });

  it('gives health probes a request id but no completion line', async () => {
    const { sut, lines } = build();
    const { req, res } = exchange('/health');
    sut(req, res, () => undefined);
    res.emit('close');
    await flush();

    expect(lines).toHaveLength(0);
    expect(res.getHeader('X-Request-Id')).toEqual(expect.any(String));
  });

  it("binds the request to what Nest's loggers write while handling it", async () => {
    const { sut, lines } = build();
    const { req, res } = exchange('/chat', { 'x-request-id': 'request-in-context' });
    const logger = new PinoLogger({ pinoHttp: {} });
    logger.setContext('Chat');
    sut(req, res, () => logger.warn({ tenant: 'acme' }, 'something odd'));
    await flush();

    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'something odd',
        context: 'Chat',
        req: expect.objectContaining({ id: 'request-in-context' }),
      }),
    ]);
  });
});
