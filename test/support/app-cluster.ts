import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Several instances of the platform as separate processes, the way a scaled deployment runs them, and a round-robin
 * proxy in front: shared by the multi-instance e2e (test/scale) and `npm run bench:scale`.
 */

const ROOT = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createTcpServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** What every instance of one deployment must share: the keys, so tokens and credentials work on all of them. */
export function clusterSecrets(): Record<string, string> {
  return {
    CRM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_TOKEN_SECRET: randomBytes(32).toString('hex'),
  };
}

export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (structured logs). */
  output(): string;
  /** Resolves with the exit code once the process has ended (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Ends the process if it still runs (SIGTERM, then SIGKILL after `graceMs`) and removes its DATA_DIR. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `src/main.ts` through ts-node with SWC (tsconfig.json's `ts-node` section), so no build is needed and no
 * shared `dist/` is rewritten under another suite; the process is `node` itself, so a SIGTERM reaches the app.
 * `env` is added to this process's environment; each instance gets its own port and DATA_DIR.
 */
export async function startAppProcess(
  name: string,
  env: Record<string, string>,
  readyTimeoutMs = 90_000,
): Promise<AppProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `concierge-${name}-`));
  const child = spawn(process.execPath, ['-r', 'ts-node/register', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const app: AppProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilReady(app, readyTimeoutMs);
  } catch (err) {
    await app.stop(1000);
    throw err;
  }
  return app;
}

async function waitUntilReady(app: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited early:\n${app.output().slice(-3000)}`);
    const ready = await fetch(`${app.url}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${app.name} did not become ready within ${timeoutMs} ms:\n${app.output().slice(-3000)}`);
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
