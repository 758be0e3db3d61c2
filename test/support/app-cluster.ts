import { randomBytes } from 'node:crypto';
import { Agent, createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { AppProcess } from 'test/scale/app-process';

/**
 * What a scaled deployment adds around its instances (each started by test/scale/app-process.ts): shared keys, a
 * round-robin proxy in front, and a stop that waits for the drain. Used by the multi-instance e2e (test/scale) and
 * `npm run bench:scale`.
 */

/** What every instance of one deployment must share: the keys, so tokens and credentials work on all of them. */
export function clusterSecrets(): Record<string, string> {
  return {
    CRM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_TOKEN_SECRET: randomBytes(32).toString('hex'),
  };
}

/** Ends an instance if it still runs: SIGTERM (it drains), then SIGKILL after `graceMs`. */
export async function stopApp(app: AppProcess, graceMs = 15_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.kill('SIGTERM');
  const timer = setTimeout(() => app.kill('SIGKILL'), graceMs);
  await app.exited;
  clearTimeout(timer);
}

type Headers = Record<string, string | string[] | undefined>;

/** Connection management is per hop: each side of the proxy keeps (or not) its own connections. */
function withoutHopByHop(headers: Headers): Headers {
  const copy = { ...headers };
  for (const name of ['connection', 'keep-alive', 'proxy-connection', 'upgrade']) delete copy[name];
  return copy;
}

/** The header a client sets to send one request to a given upstream (its index) instead of the next in turn. */
export const UPSTREAM_HEADER = 'x-upstream';
/** What the proxy answers when an upstream refused or dropped the connection before answering. */
export const PROXY_UNREACHABLE = 'PROXY.UPSTREAM_UNREACHABLE';

export interface ProxyOptions {
  /**
   * Reuse upstream connections (what a load balancer does; the bench). Off, every request opens its own
   * connection, so "the instance accepted the request" means exactly "it accepted the connection" (the drain test).
   */
  keepAlive: boolean;
}

/**
 * A small HTTP load balancer: each request goes to the next upstream in turn, unless it names one in
 * `x-upstream`. The answer carries `x-upstream` (who served it); an upstream that cannot be reached gives 502 with
 * `code: PROXY.UPSTREAM_UNREACHABLE`, so clients can tell it from the app's own errors and retry elsewhere.
 */
export class RoundRobinProxy {
  readonly served: number[];
  private next = 0;
  private readonly agent: Agent;

  private constructor(
    private readonly upstreams: URL[],
    private readonly server: Server,
    readonly url: string,
    options: ProxyOptions,
  ) {
    this.served = upstreams.map(() => 0);
    this.agent = new Agent({ keepAlive: options.keepAlive, maxSockets: Infinity });
  }

  static async start(upstreams: string[], options: ProxyOptions): Promise<RoundRobinProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const proxy = new RoundRobinProxy(
      upstreams.map((u) => new URL(u)),
      server,
      url,
      options,
    );
    server.on('request', (req, res) => proxy.forward(req, res));
    return proxy;
  }

  private pick(req: IncomingMessage): number {
    const asked = Number(req.headers[UPSTREAM_HEADER]);
    if (Number.isInteger(asked) && asked >= 0 && asked < this.upstreams.length) return asked;
    const index = this.next;
    this.next = (this.next + 1) % this.upstreams.length;
    return index;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const index = this.pick(req);
    const target = this.upstreams[index];
    const headers = withoutHopByHop({ ...req.headers, host: target.host });
    delete headers[UPSTREAM_HEADER];
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: this.agent },
      (answer) => {
        this.served[index]++;
        res.writeHead(answer.statusCode ?? 502, {
          ...withoutHopByHop(answer.headers),
          [UPSTREAM_HEADER]: String(index),
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy(err);
      res.writeHead(502, { 'content-type': 'application/json', [UPSTREAM_HEADER]: String(index) });
      res.end(JSON.stringify({ statusCode: 502, code: PROXY_UNREACHABLE, message: err.code ?? err.message }));
    });
    req.pipe(upstream);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
