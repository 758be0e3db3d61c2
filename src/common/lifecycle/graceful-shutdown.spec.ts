import type { Server } from 'node:http';

import { INestApplication, Logger } from '@nestjs/common';

import { DrainState } from 'src/common/lifecycle/drain-state';
import { DRAIN_SIGNALS, GracefulShutdown, IMMEDIATE_SIGNALS } from 'src/common/lifecycle/graceful-shutdown';
import { strictMock } from 'test/support/strict-mock';

describe(GracefulShutdown.name, () => {
  const steps: string[] = [];
  let drain: DrainState;
  let server: Server;
  let app: INestApplication;

  beforeEach(() => {
    steps.length = 0;
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    drain = new DrainState();
    jest.spyOn(drain, 'begin').mockImplementation(() => void steps.push('ready 503'));
    jest.spyOn(drain, 'requestsDone').mockImplementation(async () => {
      steps.push('requests done');
      return 'done';
    });
    jest
      .spyOn(drain, 'drainParticipants')
      .mockImplementation(async (grace) => void steps.push(`calls drained ${grace}`));
    server = strictMock<Server>({
      close: jest.fn(() => steps.push('listener closed')) as unknown as Server['close'],
      closeIdleConnections: jest.fn(),
      closeAllConnections: jest.fn(() => steps.push('connections closed')),
    });
    app = strictMock<INestApplication>({
      get: jest.fn().mockReturnValue(drain) as INestApplication['get'],
      getHttpServer: () => server,
      close: jest.fn(async () => void steps.push('nest hooks')),
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs the sequence in order: 503, delay, listener closed, in-flight work, Nest hooks; exit code 0', async () => {
    const started = Date.now();
    await expect(new GracefulShutdown(app, { delayMs: 50, graceMs: 2000 }).run('SIGTERM')).resolves.toBe(0);
    expect(steps).toEqual([
      'ready 503',
      'listener closed',
      'requests done',
      'calls drained 2000',
      'connections closed',
      'nest hooks',
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(drain.requestsDone).toHaveBeenCalledWith(2000);
  });

  it('turns readiness 503 synchronously, before the delay', async () => {
    const run = new GracefulShutdown(app, { delayMs: 100, graceMs: 0 }).run('SIGTERM');
    expect(steps).toEqual(['ready 503']);
    await run;
  });

  it('cuts requests still running after the grace, logging how many', async () => {
    (drain.requestsDone as jest.Mock).mockResolvedValue('timeout');
    await expect(new GracefulShutdown(app, { delayMs: 0, graceMs: 10 }).run('SIGTERM')).resolves.toBe(0);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      { event: 'drain_requests_cut', requestsInFlight: 0 },
      'requests still running after the grace period are cut',
    );
    expect(server.closeAllConnections).toHaveBeenCalled();
  });

  it('exits 1 when a shutdown hook fails, and a second signal joins the sequence in progress', async () => {
    (app.close as jest.Mock).mockRejectedValue(new Error('pool is draining'));
    const sut = new GracefulShutdown(app, { delayMs: 0, graceMs: 0 });
    const first = sut.run('SIGTERM');
    expect(sut.run('SIGINT')).toBe(first);
    await expect(first).resolves.toBe(1);
    expect(drain.begin).toHaveBeenCalledTimes(1);
  });

  it('installs on SIGTERM and SIGINT, ignores a repeated signal, and exits with the outcome', async () => {
    const before = DRAIN_SIGNALS.map((s) => process.listenerCount(s));
    const exit = jest.fn();
    const sut = new GracefulShutdown(app, { delayMs: 0, graceMs: 0 });
    sut.install(exit);
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      await sut.run('SIGTERM');
      await new Promise((r) => setImmediate(r));
      expect(exit).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(0);
      expect(Logger.prototype.warn).toHaveBeenCalledWith({ signal: 'SIGTERM' }, 'SIGTERM ignored: already draining');
    } finally {
      for (const [i, s] of DRAIN_SIGNALS.entries()) {
        const added = process.listeners(s).slice(before[i]);
        for (const l of added) process.removeListener(s, l as () => void);
      }
    }
    expect(IMMEDIATE_SIGNALS).not.toContain('SIGTERM');
    expect(IMMEDIATE_SIGNALS).toContain('SIGHUP');
  });
});
