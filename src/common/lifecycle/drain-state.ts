import { Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Long-lived work a module must finish (or end politely) before the application closes. */
export interface DrainParticipant {
  /** Lets the work run for up to `graceMs` on its own, then ends what is left; resolves once it has all wrapped up. */
  drain(graceMs: number): Promise<void>;
}

/**
 * Whether this instance is draining (it received SIGTERM), and what must finish first: HTTP requests in flight
 * (counted by `trackRequests`) and the participants modules register (live calls). Readiness reads `draining`, so
 * the load balancer stops sending traffic the moment draining begins. The sequence itself is GracefulShutdown's.
 */
@Injectable()
export class DrainState {
  private readonly logger = new Logger('Drain');
  private readonly participants = new Map<string, DrainParticipant>();
  private readonly responses = new Set<Response>();
  private idle: (() => void)[] = [];
  private began = false;

  get draining(): boolean {
    return this.began;
  }

  get requestsInFlight(): number {
    return this.responses.size;
  }

  begin(): void {
    this.began = true;
    // Responses not yet started tell keep-alive clients to reconnect, which reaches another instance.
    for (const res of this.responses) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  register(name: string, participant: DrainParticipant): void {
    this.participants.set(name, participant);
  }

  /** Express middleware, installed first: counts every request until its response is finished or aborted. */
  trackRequests(): RequestHandler {
    return (_req: Request, res: Response, next: NextFunction) => {
      this.responses.add(res);
      if (this.began) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.responses.delete(res);
        if (!this.responses.size) for (const resolve of this.idle.splice(0)) resolve();
      });
      next();
    };
  }

  /** Resolves 'done' once no request is in flight, or 'timeout' after `timeoutMs`. */
  async requestsDone(timeoutMs: number): Promise<'done' | 'timeout'> {
    if (!this.responses.size) return 'done';
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<'done'>((resolve) => this.idle.push(() => resolve('done')));
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      return await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs every participant's drain at once; one failing does not stop the others. */
  async drainParticipants(graceMs: number): Promise<void> {
    await Promise.all(
      [...this.participants].map(([name, p]) =>
        p
          .drain(graceMs)
          .catch((err: Error) => this.logger.error({ participant: name, err: err.message }, 'drain failed')),
      ),
    );
  }
}
