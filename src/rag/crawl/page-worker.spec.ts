import { loadBuffer } from 'cheerio';

import { extractPage, extractPageOffLoop, INLINE_PAGE_BYTES } from 'src/rag/crawl/page-extractor';
import { buildHtmlPage } from 'test/factories/knowledge-file.factory';

// The worker thread loads the real cheerio; only this (main) thread sees the spy, so a call here means the page was
// parsed on the main thread.
jest.mock('cheerio', () => {
  const actual = jest.requireActual<typeof import('cheerio')>('cheerio');
  return { ...actual, loadBuffer: jest.fn(actual.loadBuffer) };
});

const pageUrl = 'https://acme.example.com/boilers';

describe(extractPageOffLoop.name, () => {
  beforeEach(() => jest.mocked(loadBuffer).mockClear());

  it('reads a large crawled page in a worker thread, exactly as the main thread would', async () => {
    const html = buildHtmlPage({
      title: 'Boilers | Acme',
      heading: 'Boiler Repair',
      paragraphs: Array.from({ length: 1200 }, (_, i) => `Step ${i}: Gas Safe engineers fix all brands, every day.`),
      links: ['/contact?utm_source=footer#form', 'https://other.example.net/partner'],
    });
    const body = Buffer.from(html);
    expect(body.length).toBeGreaterThanOrEqual(INLINE_PAGE_BYTES);

    const page = await extractPageOffLoop(body, pageUrl);

    expect(loadBuffer).not.toHaveBeenCalled();
    expect(page.text).toContain('Step 1199: Gas Safe engineers');
    expect(page).toEqual(extractPage(body, pageUrl));
  });

  it('honours the charset the server declared for a large page', async () => {
    const paragraphs = '<p>Caf\xe9 cr\xe8me, fresh every morning.</p>'.repeat(2_000);
    const body = Buffer.from(`<html><body><main>${paragraphs}</main></body></html>`, 'latin1');
    expect(body.length).toBeGreaterThanOrEqual(INLINE_PAGE_BYTES);

    const page = await extractPageOffLoop(body, pageUrl, 'iso-8859-1');

    expect(loadBuffer).not.toHaveBeenCalled();
    expect(page.text.startsWith('Café crème, fresh every morning.')).toBe(true);
  });

  it('reads a small page inline, with no thread to start', async () => {
    const body = Buffer.from(buildHtmlPage({ title: 'Drains', heading: 'Drains', paragraphs: ['Unblocked today.'] }));

    const page = await extractPageOffLoop(body, pageUrl);

    expect(loadBuffer).toHaveBeenCalledTimes(1);
    expect(page.text).toContain('Unblocked today.');
  });
});
