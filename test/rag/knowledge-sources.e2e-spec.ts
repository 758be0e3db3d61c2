import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { buildDocx, buildHtmlPage, buildPdf, buildZipBombDocx } from 'test/factories/knowledge-file.factory';
import { createTenant, kbPath, search, waitForJob } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** A tiny site with a sitemap, robots.txt and one disallowed page; paths in `gone` answer 404 and leave the sitemap. */
function startSite(gone: Set<string>): Promise<{ server: Server; base: string }> {
  const pages: Record<string, string> = {
    '/': buildHtmlPage({
      title: 'Acme Plumbing',
      heading: 'Welcome',
      paragraphs: ['Family plumbers you can trust.'],
      links: ['/boilers', '/private'],
    }),
    '/boilers': buildHtmlPage({
      title: 'Boilers',
      heading: 'Boiler servicing',
      paragraphs: ['We service combi boilers every autumn for a fixed fee of $89.'],
    }),
    '/leaks': buildHtmlPage({
      title: 'Leaks',
      heading: 'Leak detection',
      paragraphs: ['Thermal cameras find hidden leaks behind walls without demolition.'],
    }),
    '/private': buildHtmlPage({
      title: 'Private',
      heading: 'Staff only',
      paragraphs: ['The staff wifi password is HIDDEN-ROBOTS-PAGE.'],
    }),
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const base = `http://${req.headers.host}`;
    if (path === '/robots.txt')
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private\n');
    if (path === '/sitemap.xml') {
      const urls = ['/', '/boilers', '/leaks']
        .filter((p) => !gone.has(p))
        .map((p) => `<url><loc>${base}${p}</loc></url>`)
        .join('');
      return res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    }
    const page = gone.has(path) ? undefined : pages[path];
    if (!page) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('Knowledge ingestion from files, crawls and the legacy scrape endpoints', () => {
  let t: TestApp;
  let site: { server: Server; base: string };
  const gone = new Set<string>();

  beforeAll(async () => {
    site = await startSite(gone);
    t = await bootTestApp({ OUTBOUND_ALLOW_PRIVATE_URLS: 'true', KB_MAX_FILE_BYTES: '65536' });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => site.server.close(resolve));
  });

  const upload = (id: string, name: string, content: Buffer | string, category?: string) => {
    const req = t.http.post(kbPath(id, '/files')).set(t.admin).attach('file', Buffer.from(content), name);
    return category ? req.field('category', category) : req;
  };

  it.each([
    [
      'notes.txt',
      () => Buffer.from('Our vans carry spare parts for every common tap model.'),
      'spare parts tap model',
      'spare parts',
    ],
    [
      'faq.md',
      () => Buffer.from('# FAQ\n\n## Parking\n\nTechnicians need a parking space within fifty metres.'),
      'parking space for technicians',
      'fifty metres',
    ],
    [
      'page.html',
      () =>
        Buffer.from(
          buildHtmlPage({
            title: 'Gutters',
            heading: 'Gutter cleaning',
            paragraphs: ['Gutters are cleared with a vacuum pole from the ground.'],
          }),
        ),
      'gutter vacuum pole',
      'vacuum pole',
    ],
    [
      'rates.csv',
      () => Buffer.from('service,price\nTap washer replacement,$35\nToilet unblocking,$80\n'),
      'toilet unblocking price',
      '$80',
    ],
    [
      'guide.pdf',
      () =>
        buildPdf(
          [
            [
              { text: 'Frozen pipes', size: 18 },
              { text: 'Thaw frozen pipes slowly with a hair dryer, never a blowtorch.' },
            ],
          ],
          'Winter guide',
        ),
      'thaw frozen pipes',
      'hair dryer',
    ],
    [
      'policy.docx',
      () =>
        buildDocx('Cancellation policy', [
          { heading: 'Notice', paragraphs: ['Cancel at least 24 hours ahead to avoid the callout fee.'] },
        ]),
      'cancel 24 hours callout fee',
      '24 hours',
    ],
  ])('ingests an uploaded %s and finds it by its content', async (name, build, question, expected) => {
    const id = await createTenant(t);
    const res = await upload(id, name, await build(), 'Uploads');
    expect(res.status).toBe(202);
    const job = await waitForJob(t, id, res.body.jobId);
    expect(job).toMatchObject({ status: 'completed', kind: 'files', version: 1 });
    const found = await search(t, id, question);
    expect(found.results[0].text).toContain(expected);
    const docs = await t.http.get(kbPath(id, '/documents')).set(t.admin).expect(200);
    expect(docs.body.documents[0]).toMatchObject({ sourceType: 'file', category: 'Uploads', url: null });
  });

  it('refuses a missing file or an unsupported type with 400, before queueing', async () => {
    const id = await createTenant(t);
    const none = await t.http.post(kbPath(id, '/files')).set(t.admin).field('category', 'x');
    expect(none.status).toBe(400);
    expect(none.body.message).toContain('file');
    const exe = await upload(id, 'tool.exe', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0xff, 0xfe]));
    expect(exe.status).toBe(400);
    expect(exe.body.code).toBe('RAG.UNSUPPORTED_FILE_TYPE');
    const status = await t.http.get(kbPath(id, '/versions')).set(t.admin).expect(200);
    expect(status.body.versions).toEqual([]);
  });

  it('refuses a file over KB_MAX_FILE_BYTES with 413', async () => {
    const id = await createTenant(t);
    const res = await upload(id, 'huge.txt', Buffer.alloc(70_000, 'a'));
    expect(res.status).toBe(413);
  });

  it('fails a crawl that finds no pages with a readable message', async () => {
    const empty = createServer((_req, res) => res.writeHead(404).end('nothing here'));
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    try {
      const id = await createTenant(t);
      const url = `http://127.0.0.1:${(empty.address() as AddressInfo).port}/`;
      const res = await t.http.post(kbPath(id, '/crawl')).set(t.admin).send({ url, maxPages: 3 });
      expect(res.status).toBe(202);
      const job = await waitForJob(t, id, res.body.jobId);
      expect(job.status).toBe('failed');
      expect(job.message).toMatch(/no readable page/);
    } finally {
      await new Promise((resolve) => empty.close(resolve));
    }
  });

  it('marks a job failed with a readable message when the file cannot be parsed', async () => {
    const id = await createTenant(t);
    const res = await upload(id, 'broken.pdf', Buffer.from('%PDF-1.4\nthis is not really a pdf'));
    expect(res.status).toBe(202);
    const job = await waitForJob(t, id, res.body.jobId);
    expect(job.status).toBe('failed');
    expect(job.message).toMatch(/broken\.pdf/);
  });

  it('fails the job of a zip-bomb DOCX with a message naming the file, and serves nothing from it', async () => {
    const id = await createTenant(t);
    const res = await upload(id, 'bomb.docx', buildZipBombDocx(16 * 1024 * 1024));
    expect(res.status).toBe(202);
    const job = await waitForJob(t, id, res.body.jobId);
    expect(job.status).toBe('failed');
    expect(job.message).toMatch(/^File "bomb\.docx" is a DOCX that looks like a zip bomb and was not unpacked \(/);
    const versions = await t.http.get(kbPath(id, '/versions')).set(t.admin).expect(200);
    expect(versions.body.versions).toEqual([]);
  });

  it('crawls a site from its sitemap, respecting robots.txt, and serves the pages by URL', async () => {
    const id = await createTenant(t);
    const res = await t.http
      .post(kbPath(id, '/crawl'))
      .set(t.admin)
      .send({ url: site.base, maxPages: 10, maxDepth: 2 });
    expect(res.status).toBe(202);
    const job = await waitForJob(t, id, res.body.jobId);
    expect(job).toMatchObject({ status: 'completed', kind: 'crawl' });
    expect(job.counts.pagesCrawled).toBe(3);
    const found = await search(t, id, 'How much is a boiler service?');
    expect(found.results[0].url).toBe(`${site.base}/boilers`);
    const hidden = await search(t, id, 'staff wifi password', { k: 20 });
    expect(JSON.stringify(hidden)).not.toContain('HIDDEN-ROBOTS-PAGE');
  });

  it('a complete re-crawl removes pages that disappeared from the site', async () => {
    const id = await createTenant(t);
    const crawl = async () => {
      const res = await t.http
        .post(kbPath(id, '/crawl'))
        .set(t.admin)
        .send({ url: site.base, maxPages: 10 })
        .expect(202);
      return waitForJob(t, id, res.body.jobId);
    };
    await crawl();
    expect((await search(t, id, 'hidden leaks behind walls')).results[0].url).toBe(`${site.base}/leaks`);
    gone.add('/leaks');
    try {
      const again = await crawl();
      expect(again).toMatchObject({ status: 'completed', version: 2 });
      expect(again.counts.removed).toBeGreaterThanOrEqual(1);
      const found = await search(t, id, 'hidden leaks behind walls', { k: 10 });
      expect(found.results.map((r) => r.url)).not.toContain(`${site.base}/leaks`);
    } finally {
      gone.delete('/leaks');
    }
  });

  it('refuses a crawl of a non-http URL with 400', async () => {
    const id = await createTenant(t);
    const res = await t.http.post(kbPath(id, '/crawl')).set(t.admin).send({ url: 'ftp://example.com' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('url');
  });

  it("legacy scrape crawls the business's websiteUrl and scraping-status reports the job", async () => {
    const id = await createTenant(t, { websiteUrl: site.base });
    const idle = await t.http.get(`/admin/business/${id}/scraping-status`).set(t.admin).expect(200);
    expect(idle.body).toMatchObject({ businessId: id, status: 'idle', jobId: null });
    const res = await t.http.post(`/admin/business/${id}/scrape`).set(t.admin).send({ maxPages: 5 });
    expect(res.status).toBe(202);
    await waitForJob(t, id, res.body.jobId);
    const done = await t.http.get(`/admin/business/${id}/scraping-status`).set(t.admin).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', progress: 100, jobId: res.body.jobId });
    const found = await search(t, id, 'hidden leaks behind walls');
    expect(found.results[0].url).toBe(`${site.base}/leaks`);
  });

  it('legacy scrape answers 400 when the business has no websiteUrl', async () => {
    const id = await createTenant(t, { websiteUrl: null });
    const res = await t.http.post(`/admin/business/${id}/scrape`).set(t.admin).send({});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('KB.NO_WEBSITE');
  });
});
