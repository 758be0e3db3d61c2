import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, ingestDocuments, kbPath, search } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface DocRow {
  documentId: string;
  url: string;
  chunkCount: number;
  searchableChunkCount: number;
}

describe('Knowledge versions, incremental updates, dedupe and delete', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  const documents = async (id: string): Promise<DocRow[]> =>
    (await t.http.get(kbPath(id, '/documents')).set(t.admin).expect(200)).body.documents as DocRow[];

  it('re-ingesting a changed document replaces only its changed chunks and keeps the others untouched', async () => {
    const id = await createTenant(t);
    const long = Array.from({ length: 8 }, (_, i) =>
      `Section ${i + 1} of the service guide explains step ${i + 1} of a boiler service in detail. `.repeat(3),
    ).join('\n\n');
    const first = await ingestDocuments(t, id, [
      ...plumbingDocumentsFactory.build(),
      { url: 'https://acme.example.com/guide', title: 'Guide', text: long },
    ]);
    const before = await search(t, id, 'boiler service guide section', { k: 50 });
    const guideChunksBefore = before.results
      .filter((r) => r.url === 'https://acme.example.com/guide')
      .map((r) => r.chunkId);
    expect(guideChunksBefore.length).toBeGreaterThan(2);

    const second = await ingestDocuments(
      t,
      id,
      plumbingDocumentsFactory.build({ pricing: 'Drain cleaning now costs $99 flat. Estimates remain free.' }),
    );
    expect(second).toMatchObject({ status: 'completed', version: first.version! + 1 });
    expect(second.counts).toMatchObject({ added: 1, removed: 1, unchangedDocuments: 2 });

    const after = await search(t, id, 'boiler service guide section', { k: 50 });
    expect(
      after.results
        .filter((r) => r.url === 'https://acme.example.com/guide')
        .map((r) => r.chunkId)
        .sort(),
    ).toEqual([...guideChunksBefore].sort());
    const price = await search(t, id, 'How much does drain cleaning cost?');
    expect(price.results[0].text).toContain('$99');
    expect(price.results.map((r) => r.text).join(' ')).not.toContain('$149');
  });

  it('serves a chunk repeated on two pages once, and drops text repeated on many pages as boilerplate', async () => {
    const id = await createTenant(t);
    const shared = 'Licensed and insured plumbers serving the whole Bay Area since 1998.';
    const footer = 'Home | Services | Pricing | Contact us | Careers | Privacy';
    const pages = ['Kitchen sinks', 'Bathroom remodels', 'Sewer lines', 'Gas leaks', 'Water softeners'].map(
      (topic, i) => ({
        url: `https://acme.example.com/services/${i}`,
        title: topic,
        text: `## ${topic}\n\nWe handle ${topic.toLowerCase()} with care and a fixed quote before work starts.\n\n## Menu\n\n${footer}`,
      }),
    );
    const job = await ingestDocuments(t, id, [
      ...pages,
      { url: 'https://acme.example.com/about', title: 'About', text: shared },
      { url: 'https://acme.example.com/team', title: 'Team', text: shared },
    ]);
    expect(job.counts.duplicates).toBe(1);
    expect(job.counts.boilerplate).toBe(5);

    const found = await search(t, id, 'licensed insured plumbers Bay Area', { k: 10 });
    expect(found.results.filter((r) => r.text === shared)).toHaveLength(1);
    const menu = await search(t, id, 'Careers Privacy Contact', { k: 20 });
    expect(menu.results.map((r) => r.text).join(' ')).not.toContain('Careers');
  });

  it('removes a deleted document from search at once, and 404s for an unknown document', async () => {
    const id = await createTenant(t);
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    const warranty = (await documents(id)).find((d) => d.url === 'https://acme.example.com/warranty')!;

    const del = await t.http.delete(kbPath(id, `/documents/${warranty.documentId}`)).set(t.admin);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ documentId: warranty.documentId, version: 2 });

    const found = await search(t, id, 'labour warranty on repairs', { k: 10 });
    expect(found.results.map((r) => r.url)).not.toContain('https://acme.example.com/warranty');
    expect((await documents(id)).map((d) => d.url)).not.toContain('https://acme.example.com/warranty');

    const again = await t.http.delete(kbPath(id, `/documents/${warranty.documentId}`)).set(t.admin);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('KB.DOCUMENT_NOT_FOUND');
    await t.http.delete(kbPath(id, '/documents/not-a-uuid')).set(t.admin).expect(404);
  });

  it('lists versions and rolls back and forward without re-embedding', async () => {
    const id = await createTenant(t);
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    const original = await search(t, id, 'When is the office open?');
    const v2 = await ingestDocuments(
      t,
      id,
      plumbingDocumentsFactory.build({ hours: 'We are now open seven days a week, 7am to 9pm.' }),
    );
    expect(v2.version).toBe(2);

    const listed = await t.http.get(kbPath(id, '/versions')).set(t.admin).expect(200);
    expect(listed.body.activeVersion).toBe(2);
    expect(listed.body.versions.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);

    const back = await t.http.post(kbPath(id, '/versions/1/activate')).set(t.admin);
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ activeVersion: 1, previousVersion: 2 });
    const old = await search(t, id, 'When is the office open?');
    expect(old.version).toBe(1);
    expect(old.results[0].text).toContain('Monday to Friday');
    // The same stored chunk (and its stored embedding) serves again: nothing was re-created.
    expect(old.results[0].chunkId).toBe(original.results[0].chunkId);

    await t.http.post(kbPath(id, '/versions/2/activate')).set(t.admin).expect(200);
    const fresh = await search(t, id, 'When is the office open?');
    expect(fresh.results[0].text).toContain('seven days a week');

    const missing = await t.http.post(kbPath(id, '/versions/9/activate')).set(t.admin);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('KB.VERSION_NOT_FOUND');
    await t.http.post(kbPath(id, '/versions/abc/activate')).set(t.admin).expect(400);
  });

  it('builds the next version on the rolled-back one', async () => {
    const id = await createTenant(t);
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    await ingestDocuments(t, id, [
      { url: 'https://acme.example.com/faq', title: 'FAQ', text: 'We accept credit cards and bank transfers.' },
    ]);
    await t.http.post(kbPath(id, '/versions/1/activate')).set(t.admin).expect(200);
    const v3 = await ingestDocuments(t, id, [
      { url: 'https://acme.example.com/jobs', title: 'Jobs', text: 'We are hiring apprentice plumbers.' },
    ]);
    expect(v3.version).toBe(3);
    const urls = (await documents(id)).map((d) => d.url).sort();
    expect(urls).toEqual([
      'https://acme.example.com/hours',
      'https://acme.example.com/jobs',
      'https://acme.example.com/pricing',
      'https://acme.example.com/warranty',
    ]);
  });

  it('reports health: counts, embedding model, index size and last build', async () => {
    const id = await createTenant(t);
    const empty = await t.http.get(kbPath(id, '/health')).set(t.admin).expect(200);
    expect(empty.body).toMatchObject({ activeVersion: null, documents: 0, chunks: 0, index: null, stale: false });
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    const res = await t.http.get(kbPath(id, '/health')).set(t.admin).expect(200);
    expect(res.body).toMatchObject({
      activeVersion: 1,
      documents: 3,
      chunks: 3,
      embeddingModel: expect.stringContaining('local'),
      embeddingDimension: 768,
      index: { vectors: 3 },
      stale: false,
      lastBuildAt: expect.any(String),
    });
  });
});

describe('Knowledge version retention', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ KB_MAX_VERSIONS: '2' });
  });
  afterAll(async () => t.close());

  it('keeps the newest KB_MAX_VERSIONS versions and still serves the active one', async () => {
    const id = await createTenant(t);
    for (const hours of ['Open 8 to 6.', 'Open 7 to 7.', 'Open 6 to 9.']) {
      await ingestDocuments(t, id, plumbingDocumentsFactory.build({ hours }));
    }
    const listed = await t.http.get(kbPath(id, '/versions')).set(t.admin).expect(200);
    expect(listed.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    await t.http.post(kbPath(id, '/versions/1/activate')).set(t.admin).expect(404);
    await t.http.post(kbPath(id, '/versions/2/activate')).set(t.admin).expect(200);
    expect((await search(t, id, 'opening hours')).results[0].text).toContain('7 to 7');
  });
});
