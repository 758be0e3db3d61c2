import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';
import WebSocket from 'ws';

import { REDIS } from 'src/redis/redis-infra.module';
import { businessFactory } from 'test/factories/business.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { JobBody, kbPath } from 'test/rag/knowledge-test-helpers';
import { AppProcess, startAppProcess } from 'test/scale/app-process';
import { TEST_ADMIN_KEY } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** Long enough for a consumer on this instance to have taken the job, had there been one (it starts in ms). */
const UNCONSUMED_WAIT_MS = 1500;

/** The `loop` log lines (AppRole.runsLoop) a process printed: `loop: runs|does not run (why)`. */
const loopLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event?: string; loop?: string; msg?: string })
    .filter((l) => l.event === 'loop_started' || l.event === 'loop_skipped')
    .map((l) => l.msg)
    .sort();

describe('APP_ROLE in separate processes: an api process enqueues, a worker process consumes', () => {
  const processes: AppProcess[] = [];
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
  });

  it('an api process queues an ingestion job without running it; a worker process started later runs it', async () => {
    const api = await startAppProcess({ APP_ROLE: 'api' });
    processes.push(api);
    const admin = { 'Content-Type': 'application/json', 'X-Admin-API-Key': TEST_ADMIN_KEY };
    const business = businessFactory.build();
    const id = business.businessId as string;
    await fetch(`${api.url}/admin/business`, { method: 'POST', headers: admin, body: JSON.stringify(business) });
    const accepted = await fetch(`${api.url}${kbPath(id, '/documents')}`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ documents: plumbingDocumentsFactory.build() }),
    });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    const job = async () =>
      (await (await fetch(`${api.url}${kbPath(id, `/jobs/${jobId}`)}`, { headers: admin })).json()) as JobBody;

    await new Promise((resolve) => setTimeout(resolve, UNCONSUMED_WAIT_MS));
    expect(await job()).toMatchObject({ status: 'queued', progress: 0 });
    expect(loopLines(api.output())).toEqual([
      'CRM outbox dispatcher and retention purge: does not run (not on role api)',
      'analytics and transcript retention purge: does not run (not on role api)',
      'knowledge job consumer: does not run (not on role api)',
      'knowledge job sweeper: does not run (not on role api)',
      'unanswered-question recheck on knowledge changes: does not run (not on role api)',
    ]);

    const worker = await startAppProcess({ APP_ROLE: 'worker' });
    processes.push(worker);
    const deadline = Date.now() + 30_000;
    let state = await job();
    while (state.status !== 'completed' && state.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await job();
    }
    expect(state).toMatchObject({ status: 'completed', version: 1 });
    expect(loopLines(worker.output())).toEqual([
      'CRM outbox dispatcher and retention purge: runs (on role worker)',
      // On a worker, but with no retention days set (the default) there is nothing to purge.
      'analytics and transcript retention purge: does not run (switched off)',
      'knowledge job consumer: runs (on role worker)',
      'knowledge job sweeper: runs (on role worker)',
      'unanswered-question recheck on knowledge changes: runs (on role worker)',
    ]);
    expect((await fetch(`${worker.url}${kbPath(id, '/documents')}`, { headers: admin })).status).toBe(404);
  }, 180_000);
});

describe('APP_ROLE=worker in process: only the health probes, no media streams', () => {
  let api: TestApp;
  let worker: TestApp;

  beforeAll(async () => {
    api = await bootTestApp({ APP_ROLE: 'api', DATA_DIR: mkdtempSync(join(tmpdir(), 'role-api-')) });
    worker = await bootTestApp({ APP_ROLE: 'worker', DATA_DIR: mkdtempSync(join(tmpdir(), 'role-worker-')) });
  });

  afterAll(async () => {
    // @nestjs-modules/ioredis keeps clients in a static set the first app's shutdown clears; see knowledge-instances.
    const clients = [api, worker].map((x) => x.app.get<Redis>(REDIS, { strict: false }));
    await api.close();
    await worker.close();
    for (const c of clients) c.disconnect();
  });

  it('a worker answers /health and /health/ready, and 404 with the usual error body everywhere else', async () => {
    const w = worker;
    await w.http.get('/health').expect(200);
    const ready = await w.http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    for (const path of ['/chat', '/', '/index.html', '/docs', '/docs-json', '/admin/business', '/voice/incoming']) {
      const res = await w.http.get(path).set(w.admin);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: `Cannot GET ${path}` });
    }
    await w.http.post('/chat').send({ business_id: 'x', message: 'hi' }).expect(404);
    // The same paths answer on the api instance.
    await api.http.get('/docs-json').expect(200);
  });

  it('a worker refuses the media-stream WebSocket; an api instance accepts the upgrade', async () => {
    const w = worker;
    const upgrade = (t: TestApp) =>
      new Promise<string>((resolve) => {
        const server = t.app.getHttpServer().listen(0);
        const { port } = server.address() as { port: number };
        const ws = new WebSocket(`ws://127.0.0.1:${port}/media-stream`, { headers: { 'X-Twilio-Signature': 'x' } });
        const done = (outcome: string) => {
          ws.terminate();
          server.close();
          resolve(outcome);
        };
        ws.on('open', () => done('open'));
        ws.on('unexpected-response', (_req, res) => done(`http ${res.statusCode}`));
        ws.on('error', (err) => done(`error ${err.message}`));
      });
    expect(await upgrade(w)).toBe('http 404');
    expect(await upgrade(api)).toBe('open');
  });
});
