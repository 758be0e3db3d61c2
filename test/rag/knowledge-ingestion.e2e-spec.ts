import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import {
  createTenant,
  goaccelNdjson,
  ingestDocuments,
  ingestNdjson,
  kbPath,
  search,
  waitForJob,
} from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Knowledge ingestion (JSON and NDJSON)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  it('ingests JSON documents in a background job and makes them searchable with their metadata', async () => {
    const id = await createTenant(t);
    const accepted = await t.http
      .post(kbPath(id, '/documents'))
      .set(t.admin)
      .send({ documents: plumbingDocumentsFactory.build() });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ jobId: expect.any(String), status: 'queued' });

    const job = await waitForJob(t, id, accepted.body.jobId);
    expect(job).toMatchObject({ status: 'completed', progress: 100, version: 1, kind: 'documents' });
    expect(job.counts).toMatchObject({ documents: 3, added: 3, removed: 0 });

    const found = await search(t, id, 'How much is drain cleaning?');
    expect(found.version).toBe(1);
    expect(found.results[0]).toMatchObject({ url: 'https://acme.example.com/pricing', title: 'Pricing' });
    expect(found.results[0].text).toContain('$149');
    expect(found.results[0].score).toBeGreaterThan(0);
    expect(found.confidence).toBeGreaterThan(0.3);

    const docs = await t.http.get(kbPath(id, '/documents')).set(t.admin).expect(200);
    expect(docs.body).toMatchObject({ version: 1, total: 3, totalChunks: 3 });
    expect(docs.body.documents[0]).toMatchObject({
      url: 'https://acme.example.com/pricing',
      category: 'Services',
      sourceType: 'json',
      chunkCount: 1,
    });
  });

  it('ingests the legacy NDJSON crawl, rejoining split pages and dropping the blog list repeated on dozens of pages', async () => {
    const id = await createTenant(t);
    const job = await ingestNdjson(t, id, goaccelNdjson());
    expect(job.status).toBe('completed');
    expect(job.counts.documents).toBe(120);
    expect(job.counts.boilerplate).toBeGreaterThanOrEqual(60);

    const docs = await t.http.get(kbPath(id, '/documents')).set(t.admin).expect(200);
    const privacy = docs.body.documents.filter((d: { url: string }) => d.url === 'https://goaccel.ai/privacy-policy/');
    expect(privacy).toHaveLength(1);
    expect(privacy[0].searchableChunkCount).toBeGreaterThan(1);
    const solutions = docs.body.documents.find((d: { url: string }) => d.url === 'https://goaccel.ai/solutions/');
    expect(solutions).toMatchObject({ searchableChunkCount: 0 });

    const found = await search(t, id, 'missed call text back', { k: 10 });
    expect(found.results).toHaveLength(10);
    expect(found.results.map((r) => r.text)).not.toContainEqual(
      expect.stringMatching(/^The GoAccel Growth Stack: The Exact System We Use/),
    );
  });

  it('re-ingesting identical content creates no new version', async () => {
    const id = await createTenant(t);
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    const again = await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    expect(again).toMatchObject({ status: 'completed', version: null });
    expect(again.counts).toMatchObject({ unchangedDocuments: 3, added: 0, removed: 0 });
    const versions = await t.http.get(kbPath(id, '/versions')).set(t.admin).expect(200);
    expect(versions.body.versions).toHaveLength(1);
  });

  it('rejects invalid JSON documents with 400 naming the field, and queues nothing', async () => {
    const id = await createTenant(t);
    const res = await t.http
      .post(kbPath(id, '/documents'))
      .set(t.admin)
      .send({ documents: [{ title: 'No text' }, { text: 'ok', metadata: 'not-an-object' }] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('KB.INVALID_DOCUMENTS');
    expect(res.body.message).toContain('documents.0.text');
    expect(res.body.message).toContain('documents.1.metadata');

    const empty = await t.http.post(kbPath(id, '/documents')).set(t.admin).send({ documents: [] });
    expect(empty.status).toBe(400);
    const status = await t.http.get(`/admin/business/${id}/scraping-status`).set(t.admin).expect(200);
    expect(status.body.status).toBe('idle');
    const versions = await t.http.get(kbPath(id, '/versions')).set(t.admin).expect(200);
    expect(versions.body.versions).toEqual([]);
  });

  it('rejects a malformed NDJSON body with 400 naming the line', async () => {
    const id = await createTenant(t);
    const body = `${JSON.stringify({ url: 'https://a.example/x', title: 'X', text: 'Fine line' })}\n{"url": "https://a.example/y", "text": 42}\n`;
    const res = await t.http
      .post(kbPath(id, '/documents'))
      .set(t.admin)
      .set('Content-Type', 'application/x-ndjson')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'KB.INVALID_NDJSON' });
    expect(res.body.message).toContain('line 2');
  });

  it('returns 404 for an unknown business and for an unknown job', async () => {
    await t.http
      .post(kbPath('no-such-biz-kb', '/documents'))
      .set(t.admin)
      .send({ documents: plumbingDocumentsFactory.build() })
      .expect(404);
    const id = await createTenant(t);
    const res = await t.http.get(kbPath(id, '/jobs/3f1c2d5e-8a4b-4c1d-9e2f-7a6b5c4d3e2f')).set(t.admin);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('KB.JOB_NOT_FOUND');
  });

  it('requires the admin key', async () => {
    const id = await createTenant(t);
    await t.http.get(kbPath(id, '/search')).query({ q: 'hello' }).expect(401);
    await t.http.post(kbPath(id, '/documents')).send({ documents: plumbingDocumentsFactory.build() }).expect(401);
  });
});
