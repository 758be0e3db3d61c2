import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import Redis from 'ioredis';
import { Client } from 'pg';

/**
 * Redis and Postgres servers a suite owns, on free ports, so an outage test can stop and restart them without
 * touching the shared services other suites (and other engineers) use. Each is also stopped when the process exits,
 * so a failed or interrupted test leaves nothing running.
 */

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it succeeds (the server is up) or the deadline passes. */
async function until(what: string, probe: () => Promise<unknown>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} did not come up: ${(err as Error).message}`);
      await sleep(100);
    }
  }
}

/** Asynchronous, so the app under test keeps serving while a server starts or stops. */
async function run(cmd: string, args: string[]): Promise<void> {
  // cwd: under root the command runs as `postgres`, which may not be allowed into the caller's directory.
  await promisify(execFile)(cmd, args, { cwd: tmpdir() });
}

const exitHooks = new Set<() => void>();
process.once('exit', () => {
  for (const hook of exitHooks) hook();
});

export class PrivateRedis {
  private child?: ChildProcess;
  private readonly onExit = () => this.child?.kill('SIGKILL');

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the server again on the same port, empty (no persistence), and resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis is already running');
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    exitHooks.add(this.onExit);
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await until('redis', async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        if (probe.status !== 'ready')
          await probe.connect().catch((err: Error) => {
            probe.disconnect();
            throw err;
          });
        await probe.ping();
      });
    } finally {
      probe.disconnect();
    }
  }

  /** Kills the server outright (SIGKILL), as a crash would, and resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    exitHooks.delete(this.onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  return version ? join(root, version, 'bin') : '';
})();

/**
 * A throwaway Postgres cluster in a temp directory. Postgres refuses to run as root, so under root its tools run as
 * the `postgres` OS user (as the embedded bootstrap does).
 */
export class PrivatePostgres {
  private running = false;
  private readonly onExit = () => {
    try {
      // Synchronous: nothing asynchronous runs in an exit handler.
      execFileSync(...this.asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', this.dataDir, 'stop', '-m', 'immediate']), {
        stdio: 'ignore',
      });
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(
    readonly port: number,
    private readonly dir: string,
    readonly database: string,
  ) {}

  static async start(database = 'outage_test'): Promise<PrivatePostgres> {
    if (!PG_BIN) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'pg-outage-'));
    const pg = new PrivatePostgres(await freePort(), dir, database);
    exitHooks.add(pg.onExit);
    if (userInfo().uid === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    await run(
      ...pg.asPostgres(join(PG_BIN, 'initdb'), [
        '-D',
        pg.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--no-sync',
        '-E',
        'UTF8',
      ]),
    );
    await pg.restart();
    const admin = new Client({ connectionString: pg.urlOf('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    return pg;
  }

  get url(): string {
    return this.urlOf(this.database);
  }

  /** Starts the server (again, on the same port and data) and resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.running) return;
    await this.pgCtl(['start', '-w', '-t', '30', '-l', join(this.dir, 'server.log'), '-o', this.serverOptions()]);
    this.running = true;
    await until('postgres', async () => {
      const client = new Client({ connectionString: this.urlOf('postgres'), connectionTimeoutMillis: 1000 });
      await client.connect();
      await client.end();
    });
  }

  /** Stops the server at once, without a checkpoint, as a crash would; connected clients lose their sockets. */
  async stop(): Promise<void> {
    if (this.running) await this.pgCtl(['stop', '-m', 'immediate', '-w']);
    this.running = false;
  }

  /** Deletes the databases' files under the running server, as a wiped or lost volume would. */
  deleteDatabaseFiles(): void {
    rmSync(join(this.dataDir, 'base'), { recursive: true, force: true });
  }

  /** Stops the server and deletes its files. */
  async destroy(): Promise<void> {
    await this.stop();
    exitHooks.delete(this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private serverOptions(): string {
    return `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=40`;
  }

  private async pgCtl(args: string[]): Promise<void> {
    await run(...this.asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', this.dataDir, ...args]));
  }

  private asPostgres(bin: string, args: string[]): [string, string[]] {
    return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  }
}
