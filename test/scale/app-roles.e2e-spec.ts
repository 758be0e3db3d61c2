import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';
import WebSocket from 'ws';

import { REDIS } from 'src/redis/redis-infra.module';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, kbPath, search, waitForJob } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** Long enough for a consumer on this instance to have taken the job, had there been one (it starts in ms). */
const UNCONSUMED_WAIT_MS = 1500;

describe('APP_ROLE: api instances enqueue, worker instances consume and answer only the probes', () => {
  let api: TestApp;
  let worker: TestApp | undefined;

  beforeAll(async () => {
    api = await bootTestApp({ APP_ROLE: 'api', DATA_DIR: mkdtempSync(join(tmpdir(), 'role-api-')) });
  });

  afterAll(async () => {
    // @nestjs-modules/ioredis keeps clients in a static set the first app's shutdown clears; see knowledge-instances.
    const clients = [api, worker].filter((x) => x !== undefined).map((x) => x.app.get<Redis>(REDIS, { strict: false }));
    await api.close();
    await worker?.close();
    for (const c of clients) c.disconnect();
  });

  it('an api instance queues an ingestion job without running it; a worker started later runs it', async () => {
    const id = await createTenant(api);
    const accepted = await api.http
      .post(kbPath(id, '/documents'))
      .set(api.admin)
      .send({ documents: plumbingDocumentsFactory.build() })
      .expect(202);
    const jobId = (accepted.body as { jobId: string }).jobId;

    await new Promise((resolve) => setTimeout(resolve, UNCONSUMED_WAIT_MS));
    const still = await api.http
      .get(kbPath(id, `/jobs/${jobId}`))
      .set(api.admin)
      .expect(200);
    expect(still.body).toMatchObject({ status: 'queued', progress: 0 });

    worker = await bootTestApp({ APP_ROLE: 'worker', DATA_DIR: mkdtempSync(join(tmpdir(), 'role-worker-')) });
    const done = await waitForJob(api, id, jobId, 30_000);
    expect(done).toMatchObject({ status: 'completed', version: 1 });
    // The api instance serves what the worker built.
    expect((await search(api, id, 'When is the office open?')).results[0].text).toContain('Monday to Friday');
  });

  it('a worker answers /health and /health/ready, and 404 with the usual error body everywhere else', async () => {
    const w = worker ?? (worker = await bootTestApp({ APP_ROLE: 'worker' }));
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
    const w = worker ?? (worker = await bootTestApp({ APP_ROLE: 'worker' }));
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
