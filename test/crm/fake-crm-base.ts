import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted failure for the next matching request(s), applied before normal routing. */
export type FakeFault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Accepts the request and never answers (the client's timeout must fire). */
  | { kind: 'hang' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** Closes the socket without any answer. */
  | { kind: 'drop' }
  /** Performs the request (side effects happen) but never answers: the ambiguous timeout. */
  | { kind: 'applyThenHang' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Shared plumbing of the fake CRM servers: listen on a random port, record requests, inject faults. */
export abstract class FakeCrmServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: { fault: FakeFault; match?: RegExp; remaining: number }[] = [];
  private server?: Server;
  baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next `times` requests whose "METHOD path" matches `match` (default: any) get `fault`. */
  failNext(fault: FakeFault, { times = 1, match }: { times?: number; match?: RegExp } = {}): void {
    this.faults.push({ fault, match, remaining: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  protected abstract route(req: RecordedRequest): Reply | Promise<Reply>;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = rawBody;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      rawBody,
      body,
    };
    this.requests.push(recorded);
    const line = `${recorded.method} ${recorded.path}`;
    const slot = this.faults.find((f) => f.remaining > 0 && (!f.match || f.match.test(line)));
    if (slot) {
      slot.remaining -= 1;
      const fault = slot.fault;
      switch (fault.kind) {
        case 'hang':
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'applyThenHang':
          await this.route(recorded);
          return;
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' }).end('<html>upstream proxy error</html>');
          return;
        case 'status':
          res
            .writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
            .end(JSON.stringify(fault.body ?? {}));
          return;
      }
    }
    const reply = await this.route(recorded);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }
}
