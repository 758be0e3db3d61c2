import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { DataSource } from 'typeorm';

import { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, ingestDocuments, kbPath, search } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

const CANARY = 'ZEBRA-QUARTZ-CANARY-7731';

describe('Knowledge-base tenant isolation and result limits', () => {
  let t: TestApp;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    t = await bootTestApp();
    tenantA = await createTenant(t);
    tenantB = await createTenant(t);
    await ingestDocuments(t, tenantA, plumbingDocumentsFactory.build());
    await ingestDocuments(t, tenantB, [
      {
        url: 'https://b.example.com/secret',
        title: 'Secret pricing',
        text: `Our internal discount code is ${CANARY}. Drain cleaning for partners costs $10.`,
      },
      ...plumbingDocumentsFactory.build(),
    ]);
  });
  afterAll(async () => t.close());

  it("never returns tenant B's canary phrase to tenant A, through the API or the retriever port", async () => {
    for (const q of [CANARY, 'internal discount code', 'drain cleaning price for partners']) {
      const found = await search(t, tenantA, q, { k: 50 });
      expect(JSON.stringify(found)).not.toContain(CANARY);
      const retrieved = await t.app.get(KnowledgeRetriever).retrieve(tenantA, q, { k: 50 });
      expect(JSON.stringify(retrieved)).not.toContain(CANARY);
    }
    const own = await search(t, tenantB, CANARY);
    expect(own.results[0].text).toContain(CANARY);
  });

  it("does not expose another tenant's jobs, documents or versions", async () => {
    const bDocs = await t.http.get(kbPath(tenantB, '/documents')).set(t.admin).expect(200);
    const secret = bDocs.body.documents.find((d: { url: string }) => d.url === 'https://b.example.com/secret');
    await t.http
      .delete(kbPath(tenantA, `/documents/${secret.documentId}`))
      .set(t.admin)
      .expect(404);
    const bJob = await t.http
      .post(kbPath(tenantB, '/documents'))
      .set(t.admin)
      .send({ documents: [{ text: 'Another note for B only.' }] })
      .expect(202);
    await t.http
      .get(kbPath(tenantA, `/jobs/${bJob.body.jobId}`))
      .set(t.admin)
      .expect(404);
    const stillThere = await search(t, tenantB, CANARY);
    expect(stillThere.results[0].text).toContain(CANARY);
  });

  it('returns every chunk, once, when k is larger than the corpus', async () => {
    const found = await search(t, tenantA, 'plumbing', { k: 50 });
    expect(found.results).toHaveLength(3);
    expect(new Set(found.results.map((r) => r.chunkId)).size).toBe(3);
  });

  it('filters by category and by source URL prefix', async () => {
    const legal = await search(t, tenantA, 'repairs and prices', { k: 10, category: 'Legal' });
    expect(legal.results.map((r) => r.url)).toEqual(['https://acme.example.com/warranty']);
    const bySource = await search(t, tenantA, 'repairs and prices', { k: 10, source: 'https://acme.example.com/pri' });
    expect(bySource.results.map((r) => r.url)).toEqual(['https://acme.example.com/pricing']);
    const none = await search(t, tenantA, 'repairs', { category: 'Nope' });
    expect(none).toMatchObject({ results: [], confidence: 0 });
  });

  it('answers an empty knowledge base with no results and zero confidence', async () => {
    const empty = await createTenant(t);
    expect(await search(t, empty, 'anything at all')).toEqual({ results: [], confidence: 0, version: null });
    expect(await t.app.get(KnowledgeRetriever).retrieve(empty, 'anything')).toEqual({
      passages: [],
      confidence: 0,
      kbVersion: null,
    });
  });

  it("deletes a tenant's knowledge base, rows and index files, with the tenant", async () => {
    const doomed = await createTenant(t);
    await ingestDocuments(t, doomed, plumbingDocumentsFactory.build());
    await search(t, doomed, 'warranty');
    const tenantDir = join(process.env.DATA_DIR!, 'indexes', doomed);
    expect(existsSync(tenantDir)).toBe(true);

    await t.http
      .delete(`/admin/business/${doomed}`)
      .set(t.admin)
      .expect((res) => expect([200, 204]).toContain(res.status));
    await t.http.get(kbPath(doomed, '/search')).query({ q: 'warranty' }).set(t.admin).expect(404);
    const left: Array<{ n: number }> = await t.app
      .get(DataSource)
      .query(
        'SELECT (SELECT count(*) FROM kb_chunks WHERE business_id = $1)::int + (SELECT count(*) FROM kb_versions WHERE business_id = $1)::int AS n',
        [doomed],
      );
    expect(left[0].n).toBe(0);
    expect(existsSync(tenantDir)).toBe(false);
  });

  it('rejects a missing query or an out-of-range k with 400', async () => {
    await t.http.get(kbPath(tenantA, '/search')).set(t.admin).expect(400);
    const res = await t.http.get(kbPath(tenantA, '/search')).query({ q: 'x', k: 500 }).set(t.admin);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('k');
  });

  it('scores an on-topic question with higher confidence than an unrelated one', async () => {
    const onTopic = await search(t, tenantA, 'How long is the warranty on repairs?');
    const offTopic = await search(t, tenantA, 'Who won the football world cup in 1966?');
    expect(onTopic.results[0].url).toBe('https://acme.example.com/warranty');
    expect(onTopic.confidence).toBeGreaterThan(offTopic.confidence);
  });
});
