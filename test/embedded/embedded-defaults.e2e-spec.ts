import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import request from 'supertest';

import { businessFactory } from 'test/factories/business.factory';
import { buildApp } from 'test/support/app-build';

const ROOT = join(__dirname, '..', '..');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

/**
 * The bare-machine default, as `npm start` runs it: no DATABASE_URL, REDIS_URL, ADMIN_API_KEY or GEMINI_API_KEY.
 * Runs the built entry point in a child process so the embedded PostgreSQL is started exactly as in production code.
 */
describe('Embedded defaults (no DATABASE_URL, REDIS_URL or keys)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'concierge-embedded-'));
  // The embedded server runs as the unprivileged `postgres` user when we are root; it must reach the folder.
  chmodSync(dataDir, 0o755);
  let mainJs = '';
  let child: ChildProcess | undefined;
  let port = 0;
  let pgPort = 0;
  let output = '';

  const start = async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      LOG_LEVEL: 'info',
    };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_API_KEY', 'GEMINI_API_KEY', 'CRM_ENCRYPTION_KEY'])
      delete env[k];
    child = spawn(process.execPath, [mainJs], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`app exited early:\n${output.slice(-3000)}`);
      const ok = await request(`http://127.0.0.1:${port}`)
        .get('/health/ready')
        .then(
          (r) => r.status === 200,
          () => false,
        );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`app did not become ready:\n${output.slice(-3000)}`);
  };

  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };

  beforeAll(async () => {
    // What `npm start` runs: the compiled build, so path rewriting and lazy imports are exercised for real.
    mainJs = buildApp('embedded-defaults');
    port = await freePort();
    pgPort = await freePort();
    await start();
  }, 120_000);

  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates an admin key under DATA_DIR with mode 0600 and prints where, not what', () => {
    const file = join(dataDir, 'admin-api-key');
    const key = readFileSync(file, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(output).toContain(file);
    expect(output).not.toContain(key);
  });

  it('reports the in-process session mode as ready', async () => {
    const res = await request(`http://127.0.0.1:${port}`).get('/health/ready');
    expect(res.body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up', mode: 'in-process' } });
  });

  it('keeps tenants across a restart of the app and its embedded database', async () => {
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    const body = businessFactory.build();
    await request(`http://127.0.0.1:${port}`)
      .post('/admin/business')
      .set('X-Admin-API-Key', key)
      .send(body)
      .expect(201);

    await stop();
    await start();

    const res = await request(`http://127.0.0.1:${port}`)
      .get(`/admin/business/${body.businessId}`)
      .set('X-Admin-API-Key', key);
    expect(res.status).toBe(200);
    expect(res.body.config.businessName).toBe('Acme Plumbing');
  }, 180_000);
});
