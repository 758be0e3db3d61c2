import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import request from 'supertest';

import { businessFactory } from 'test/factories/business.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { buildApp } from 'test/support/app-build';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

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
 * Two processes on one DATA_DIR, and two checkouts on one machine, as `npm start` and the CLIs run them on a bare
 * machine (no DATABASE_URL): the built entry point and the ts-node CLIs in child processes.
 */
describe('Embedded PostgreSQL shared by the app, its CLIs and other checkouts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'concierge-discovery-'));
  // The embedded server runs as the unprivileged `postgres` user when we are root; it must reach the folder.
  chmodSync(dataDir, 0o755);
  let occupier: Server;
  let takenPort = 0;
  let mainJs = '';
  let app: ChildProcess | undefined;
  let appPort = 0;
  let output = '';

  const childEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(takenPort),
      LOG_LEVEL: 'info',
      ...extra,
    };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_API_KEY', 'GEMINI_API_KEY', 'CRM_ENCRYPTION_KEY'])
      delete env[k];
    return env;
  };
  const runScript = (script: string, args: string[]) =>
    run(process.execPath, [TS_NODE, join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env: childEnv() }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  beforeAll(async () => {
    mainJs = buildApp('embedded-discovery');
    // Another checkout's embedded server (or anything else) already holds the configured port.
    takenPort = await freePort();
    occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(takenPort, '127.0.0.1', resolve));
    appPort = await freePort();
    app = spawn(process.execPath, [mainJs], {
      cwd: ROOT,
      env: childEnv({ PORT: String(appPort) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    app.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (app.exitCode !== null) throw new Error(`app exited early:\n${output.slice(-3000)}`);
      const ok = await request(`http://127.0.0.1:${appPort}`)
        .get('/health/ready')
        .then(
          (r) => r.status === 200,
          () => false,
        );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`app did not become ready:\n${output.slice(-3000)}`);
  }, 120_000);

  afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => occupier.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts its embedded database on a free port when EMBEDDED_PG_PORT is taken, and remembers it in DATA_DIR', () => {
    const remembered = JSON.parse(readFileSync(join(dataDir, 'embedded-pg.port.json'), 'utf8')) as {
      requested: number;
      port: number;
    };
    expect(remembered.requested).toBe(takenPort);
    expect(remembered.port).not.toBe(takenPort);
    const pid = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
    expect(Number(pid[3])).toBe(remembered.port);
  });

  it("lets business:import write through the running app's embedded database", async () => {
    const business = businessFactory.build();
    const file = join(dataDir, 'business.json');
    writeFileSync(file, JSON.stringify(business));
    const result = await runScript('import-business.ts', [file]);
    expect(result.out).toContain(`Created business "${business.businessId}"`);
    expect(result.code).toBe(0);
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    const res = await request(`http://127.0.0.1:${appPort}`)
      .get(`/admin/business/${business.businessId}`)
      .set('X-Admin-API-Key', key);
    expect(res.status).toBe(200);
    expect(res.body.config.businessName).toBe(business.businessName);
  }, 90_000);

  it('lets kb:ingest add knowledge the running app then finds', async () => {
    const business = businessFactory.build();
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    await request(`http://127.0.0.1:${appPort}`)
      .post('/admin/business')
      .set('X-Admin-API-Key', key)
      .send(business)
      .expect(201);
    const file = join(dataDir, 'kb.json');
    writeFileSync(file, JSON.stringify({ documents: plumbingDocumentsFactory.build() }));
    const result = await runScript('kb-ingest.ts', ['--business', business.businessId, '--file', file]);
    expect(result.out).toContain('Version 1 active: 3 documents');
    expect(result.code).toBe(0);
    const res = await request(`http://127.0.0.1:${appPort}`)
      .get(`/admin/business/${business.businessId}/knowledge/search`)
      .query({ q: 'labour warranty on repairs' })
      .set('X-Admin-API-Key', key);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ title: 'Warranty' });
  }, 90_000);

  it("lets migrate run against the running app's embedded database", async () => {
    const result = await runScript('migrate.ts', []);
    expect(result.out).toMatch(/Database is up to date \(\d+ migrations, 0 applied now\)\./);
    expect(result.code).toBe(0);
  }, 90_000);

  it('refuses a second server on the same DATA_DIR with one line naming the running database', async () => {
    const port = await freePort();
    const second = await run(process.execPath, [mainJs], {
      cwd: ROOT,
      env: childEnv({ PORT: String(port) }),
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(second.code).toBe(1);
    const pid = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
    const last = second.stderr.trim().split('\n').pop();
    expect(last).toBe(
      `Start-up failed: the embedded PostgreSQL of DATA_DIR ${dataDir} is already running (pid ${pid[0]}, port ${pid[3]}), ` +
        'started by another server: stop that one, or give this one its own DATA_DIR (or a DATABASE_URL)',
    );
    expect(second.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
