import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { INestApplication, Logger, ShutdownSignal } from '@nestjs/common';

import { DrainState } from 'src/common/lifecycle/drain-state';

export interface ShutdownOptions {
  /** SHUTDOWN_DELAY_MS: how long everything is still served after readiness turned 503. */
  delayMs: number;
  /** SHUTDOWN_CALL_GRACE_S in ms: how long live calls, and requests in flight, may run once the listener closed. */
  graceMs: number;
}

/** The signals that drain; Nest's own hooks (close at once) stay on the others. */
export const DRAIN_SIGNALS = [ShutdownSignal.SIGTERM, ShutdownSignal.SIGINT];
export const IMMEDIATE_SIGNALS = Object.values(ShutdownSignal).filter((s) => !DRAIN_SIGNALS.includes(s));

/**
 * Draining on SIGTERM, so a rolling deploy or a scale-in loses nothing answered 200. In this order:
 *  1. readiness (/health/ready) answers 503 at once (DrainState.begin), and responses carry `Connection: close`;
 *  2. for SHUTDOWN_DELAY_MS everything is still served, while the load balancer notices the 503;
 *  3. the listener closes (no new connections) and idle keep-alive connections are closed;
 *  4. requests in flight (chat turns, SSE streams) finish, while live calls run up to SHUTDOWN_CALL_GRACE_S and are
 *     then ended politely (the apology, then the hang-up); requests still running after that grace are cut, and logged;
 *  5. app.close() runs Nest's hooks in their order: onModuleDestroy stops the background loops (each waits for its
 *     pass in progress) and waits for CRM writes in flight; beforeApplicationShutdown flushes group-committed transcript
 *     writes (src/common/batching); onApplicationShutdown closes the queues, Redis and Postgres;
 *  6. the process exits 0 (1 if a step failed).
 * A second signal meanwhile is logged and ignored: the orchestrator's SIGKILL at terminationGracePeriodSeconds is the
 * hard stop, which must exceed SHUTDOWN_DELAY_MS + SHUTDOWN_CALL_GRACE_S plus a few seconds of flushing.
 */
export class GracefulShutdown {
  private readonly logger = new Logger('Shutdown');
  private running?: Promise<number>;

  constructor(
    private readonly app: INestApplication,
    private readonly options: ShutdownOptions,
  ) {}

  /** main.ts only: tests boot several apps in one process and close them themselves. */
  install(exit: (code: number) => void = (code) => process.exit(code)): void {
    for (const signal of DRAIN_SIGNALS) {
      process.on(signal, () => {
        if (this.running) return this.logger.warn({ signal }, `${signal} ignored: already draining`);
        void this.run(signal).then(exit);
      });
    }
  }

  run(signal: string): Promise<number> {
    this.running ??= this.sequence(signal);
    return this.running;
  }

  private async sequence(signal: string): Promise<number> {
    const { delayMs, graceMs } = this.options;
    const drain = this.app.get(DrainState);
    const server = this.app.getHttpServer() as Server;
    drain.begin();
    this.logger.log(
      { event: 'drain_started', signal, delayMs, graceMs },
      `${signal}: draining; readiness answers 503, new connections are accepted for ${delayMs} ms more`,
    );
    try {
      await sleep(delayMs);
      server.close();
      server.closeIdleConnections();
      this.logger.log(
        { event: 'drain_listener_closed', requestsInFlight: drain.requestsInFlight },
        'listener closed; finishing requests in flight and live calls',
      );
      const [requests] = await Promise.all([drain.requestsDone(graceMs), drain.drainParticipants(graceMs)]);
      if (requests === 'timeout')
        this.logger.warn(
          { event: 'drain_requests_cut', requestsInFlight: drain.requestsInFlight },
          'requests still running after the grace period are cut',
        );
      // Keep-alive connections that went idle after their last response, and any request cut above.
      server.closeAllConnections();
      await this.app.close();
      this.logger.log({ event: 'drain_finished', signal }, 'drained; exiting');
      return 0;
    } catch (err) {
      this.logger.error({ event: 'drain_failed', err: (err as Error).message }, 'shutdown failed');
      return 1;
    }
  }
}
