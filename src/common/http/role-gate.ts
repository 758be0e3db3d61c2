import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

import { INestApplicationContext, NotFoundException } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { WebSocketServer } from 'ws';

import { WORKER_ROUTES } from 'src/config/app-role';

/**
 * A worker answers only the health probes: every other path, static files and API docs included, is the same 404
 * an unknown route gets (through the exception filter, so the body has the usual shape). Installed first, so a
 * worker never parses a body or looks up a tenant.
 */
export function workerRoutesOnly(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) =>
    WORKER_ROUTES.has(req.path) ? next() : next(new NotFoundException(`Cannot ${req.method} ${req.path}`));
}

const NOT_FOUND_UPGRADE = 'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * Twilio Media Streams speak plain WebSocket JSON frames (not socket.io). On an instance that does not serve the API
 * (a worker) the gateways get a server no upgrade ever reaches, and every upgrade is answered 404.
 */
export class RoleAwareWsAdapter extends WsAdapter {
  private refusing = false;

  constructor(
    app: INestApplicationContext,
    private readonly servesApi: boolean,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string }): WebSocketServer {
    if (this.servesApi) return super.create(port, options) as WebSocketServer;
    if (!this.refusing) {
      this.refusing = true;
      (this.httpServer as Server).on('upgrade', (_req, socket: Duplex) => socket.end(NOT_FOUND_UPGRADE));
    }
    return new WebSocketServer({ noServer: true });
  }
}
