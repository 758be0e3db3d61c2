import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { AllExceptionsFilter } from 'src/common/errors/all-exceptions.filter';
import { AppConfig } from 'src/config/app-config.service';
import { MetricsService } from 'src/metrics/metrics.service';

/**
 * METRICS_PORT: /metrics on a listener of its own, in the same process, for a scraper inside the cluster network
 * (the main port's ingress never exposes it). Only GET /metrics is served; it needs the bearer token too when
 * METRICS_TOKEN is set. Closed on shutdown.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsServer');
  private readonly errors = new AllExceptionsFilter();
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  /** The bound port (METRICS_PORT=0 picks a free one). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.get('METRICS_PORT'), '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ port: this.port }, 'metrics server listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return this.json(res, 404, { statusCode: 404, error: 'Not Found', message: 'Only GET /metrics is served here' });
    }
    try {
      const exposition = await this.metrics.scrape(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': exposition.contentType, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : exposition.body);
    } catch (err) {
      // The same body the main port's filter gives (a coded 401, or a generic 500 with an error id).
      const body = this.errors.toBody(err);
      this.json(res, body.statusCode, body);
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}
