import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';

import { KbJobRepository } from 'src/rag/storage/kb-job.repository';
import { REDIS } from 'src/redis/redis-infra.module';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, ingestDocuments, kbPath, search, waitForJob } from 'test/rag/knowledge-test-helpers';
import { bootTestApp } from 'test/support/test-app';

/**
 * The version notice reaches the other instance by Redis pub/sub, which can land just after an HTTP request the test
 * sends at once. The window is well under the 2 s active-version TTL, so only the notice can make this pass.
 */
async function soonOnB(check: () => Promise<void>, withinMs = 500): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

describe('Knowledge base across instances and restarts', () => {
  it('a second instance serves the active version after every change made by the first, including deletes and rollbacks', async () => {
    const a = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kb-a-')) });
    const b = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kb-b-')) });
    try {
      const id = await createTenant(a);
      await ingestDocuments(a, id, plumbingDocumentsFactory.build());
      expect((await search(b, id, 'When is the office open?')).results[0].text).toContain('Monday to Friday');

      await ingestDocuments(a, id, plumbingDocumentsFactory.build({ hours: 'Open every day from 7am to 9pm.' }));
      const onB = await search(b, id, 'When is the office open?');
      expect(onB.version).toBe(2);
      expect(onB.results[0].text).toContain('every day');

      const docs = await a.http.get(kbPath(id, '/documents')).set(a.admin).expect(200);
      const hours = docs.body.documents.find((d: { url: string }) => d.url === 'https://acme.example.com/hours');
      await a.http
        .delete(kbPath(id, `/documents/${hours.documentId}`))
        .set(a.admin)
        .expect(200);
      await soonOnB(async () =>
        expect((await search(b, id, 'When is the office open?', { k: 10 })).results.map((r) => r.url)).not.toContain(
          'https://acme.example.com/hours',
        ),
      );

      await a.http.post(kbPath(id, '/versions/1/activate')).set(a.admin).expect(200);
      await soonOnB(async () =>
        expect((await search(b, id, 'When is the office open?')).results[0].text).toContain('Monday to Friday'),
      );
    } finally {
      // @nestjs-modules/ioredis tracks connections in a static set that the first app's shutdown clears, so the
      // second app's client would stay open and keep Jest alive; closing it here is harmless if it is closed already.
      const clients = [a, b].map((x) => x.app.get<Redis>(REDIS, { strict: false }));
      await a.close();
      await b.close();
      for (const c of clients) c.disconnect();
    }
  });

  it('rebuilds a corrupted index file from Postgres on the next start instead of serving it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kb-corrupt-'));
    const first = await bootTestApp({ DATA_DIR: dataDir });
    let id: string;
    try {
      id = await createTenant(first);
      await ingestDocuments(first, id, plumbingDocumentsFactory.build());
      await search(first, id, 'warranty');
    } finally {
      await first.close();
    }
    const tenantDir = join(dataDir, 'indexes', id);
    const indexFile = readdirSync(tenantDir).find((f) => f.endsWith('.hnsw'))!;
    writeFileSync(join(tenantDir, indexFile), 'garbage that is not an hnsw index');

    const second = await bootTestApp({ DATA_DIR: dataDir });
    try {
      const health = await second.http.get(kbPath(id, '/health')).set(second.admin).expect(200);
      expect(health.body.index).toMatchObject({ vectors: 3, lastOpenSource: 'rebuilt', rebuildReason: 'corrupt' });
      const found = await search(second, id, 'How long is the warranty on repairs?');
      expect(found.results[0].url).toBe('https://acme.example.com/warranty');
    } finally {
      await second.close();
    }
  });

  it('grows the index past its initial capacity as documents arrive', async () => {
    const t = await bootTestApp();
    try {
      const id = await createTenant(t);
      await ingestDocuments(t, id, plumbingDocumentsFactory.build());
      const many = Array.from({ length: 1100 }, (_, i) => ({
        url: `https://acme.example.com/parts/${i}`,
        title: `Part ${i}`,
        text: `Replacement part number P-${i}-${(i * 7919) % 10007} fits tap series ${i % 37} and costs ${(i % 90) + 10} dollars.`,
      }));
      const job = await ingestDocuments(t, id, many);
      expect(job.status).toBe('completed');
      const health = await t.http.get(kbPath(id, '/health')).set(t.admin).expect(200);
      expect(health.body.index.vectors).toBe(1103);
      expect(health.body.index.capacity).toBeGreaterThan(1024);
      const found = await search(t, id, 'replacement part P-777', { k: 3 });
      expect(found.results[0].url).toBe('https://acme.example.com/parts/777');
    } finally {
      await t.close();
    }
  }, 120_000);

  it('answers from keyword search alone when the embedding service is down', async () => {
    const first = await bootTestApp();
    let id: string;
    try {
      id = await createTenant(first);
      await ingestDocuments(first, id, plumbingDocumentsFactory.build());
    } finally {
      await first.close();
    }
    // Nothing listens on port 9: every embedding call (query and re-embedding for the new model) fails.
    const degraded = await bootTestApp({
      GEMINI_API_KEY: 'test-key-embeddings-down',
      GEMINI_BASE_URL: 'http://127.0.0.1:9',
    });
    try {
      const found = await search(degraded, id, 'labour warranty on repairs');
      expect(found.results[0]).toMatchObject({ url: 'https://acme.example.com/warranty', vectorScore: 0 });
      expect(found.results[0].keywordScore).toBeGreaterThan(0);
    } finally {
      await degraded.close();
    }
  }, 120_000);

  it('an instance without Redis resumes a job left queued by a previous run', async () => {
    const t = await bootTestApp({ REDIS_URL: undefined });
    try {
      const id = await createTenant(t);
      // Written the way the endpoint writes it, but never handed to a queue: as if the process died right after.
      const jobs = t.app.get(KbJobRepository);
      const orphan = await jobs.create(id, 'documents', {
        documents: [{ sourceType: 'json', title: 'Orphan', text: 'A job that outlived its process.' }],
      });
      await t.close();

      const restarted = await bootTestApp({ REDIS_URL: undefined });
      try {
        const job = await waitForJob(restarted, id, orphan.id);
        expect(job).toMatchObject({ status: 'completed', version: 1 });
        expect((await search(restarted, id, 'outlived its process')).results[0].title).toBe('Orphan');
      } finally {
        await restarted.close();
      }
    } catch (err) {
      await t.close().catch(() => undefined);
      throw err;
    }
  });
});
