import { chatter, createTenant, parseSse } from 'test/chat/chat.support';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('POST /chat grounded in the tenant knowledge base (real RAG, offline provider)', () => {
  let t: TestApp;
  let businessId: string;
  let otherTenant: string;

  async function ingest(id: string, documents: object[]): Promise<void> {
    const accepted = await t.http.post(`/admin/business/${id}/knowledge/documents`).set(t.admin).send({ documents });
    expect(accepted.status).toBe(202);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await t.http.get(`/admin/business/${id}/knowledge/jobs/${accepted.body.jobId}`).set(t.admin);
      if (job.body.status === 'completed') return;
      if (job.body.status === 'failed' || Date.now() > deadline)
        throw new Error(`ingestion ${JSON.stringify(job.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t);
    await ingest(businessId, plumbingDocumentsFactory.build());
    otherTenant = await createTenant(t);
    await ingest(otherTenant, [
      {
        url: 'https://other.example.com/hours',
        title: 'Hours',
        text: 'The bakery opens Saturday and Sunday from 7am until noon only.',
      },
    ]);
  }, 120_000);
  afterAll(async () => t.close());

  it('answers from the retrieved passage and cites it in sources', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const res = await c.send('What are your opening hours?');
    expect(res.status).toBe(200);
    expect(res.body.response).toContain('Monday to Friday from 8am to 6pm');
    expect(res.body.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: 'https://acme.example.com/hours', title: 'Opening hours' }),
      ]),
    );
  });

  it("never answers from another tenant's knowledge base", async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const res = await c.send('Does the bakery open on Saturday and Sunday?');
    expect(res.body.response).not.toContain('bakery opens');
    expect(JSON.stringify(res.body.sources ?? [])).not.toContain('other.example.com');
  });

  it('says it does not have the information instead of guessing', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const res = await c.send('Do you sell electric scooters?');
    expect(res.body.response).toMatch(/don't have that information/);
  });

  it('streams the sources event before done', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const res = await t.http
      .post('/chat/stream')
      .send(c.body('How long is the warranty on repairs?'))
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        r.on('end', () => done(null, text));
      });
    const events = parseSse(res.body as string);
    const names = events.map((e) => e.event);
    expect(names.indexOf('sources')).toBeGreaterThan(-1);
    expect(names.indexOf('sources')).toBeLessThan(names.indexOf('done'));
    expect(events.at(-1)!.data.response).toContain('two-year labour warranty');
  });
});
