import type { AppConfig } from 'src/config/app-config.service';
import { docxToText, htmlToText } from 'src/rag/parsing/document-extract';
import { DocumentParser } from 'src/rag/parsing/document-parser';
import { extractInWorker } from 'src/rag/parsing/document-worker';
import { WorkerFailure } from 'src/rag/parsing/worker-run';
import { buildDocx, buildHtmlPage } from 'test/factories/knowledge-file.factory';

// The worker thread loads the real module; only this (main) thread sees the mock, so a call here means the parse
// ran on the main thread.
jest.mock('src/rag/parsing/document-extract', () => ({ docxToText: jest.fn(), htmlToText: jest.fn() }));

const config = { get: () => 10 * 1024 * 1024 } as unknown as AppConfig;
const zip = { maxEntries: 100, maxTotalBytes: 1024 * 1024, maxRatio: 100, ratioFloorBytes: 64 * 1024 };

describe(extractInWorker.name, () => {
  const sut = new DocumentParser(config);

  it('parses DOCX and HTML uploads in a worker thread, never on the main thread', async () => {
    const docx = await buildDocx('Price List', [{ heading: 'Drains', paragraphs: ['Unblocking costs $90.'] }]);
    const html = buildHtmlPage({ title: 'Boilers', heading: 'Boilers', paragraphs: ['Serviced every October.'] });

    const [fromDocx, fromHtml] = await Promise.all([
      sut.parse(docx, 'prices.docx'),
      sut.parse(Buffer.from(html), 'boilers.html'),
    ]);

    expect(fromDocx).toEqual({
      format: 'docx',
      title: 'Price List',
      text: '# Price List\n\n## Drains\n\nUnblocking costs $90.',
    });
    expect(fromHtml).toEqual({ format: 'html', title: 'Boilers', text: '# Boilers\n\nServiced every October.' });
    expect(docxToText).not.toHaveBeenCalled();
    expect(htmlToText).not.toHaveBeenCalled();
  });

  it('stops a worker that outlives its time limit and reports the timeout', async () => {
    const html = Buffer.from(buildHtmlPage({ title: 'Slow', heading: 'Slow', paragraphs: ['Text.'] }));

    const err: unknown = await extractInWorker('html', html, { timeoutMs: 1, maxHeapMb: 256, zip }).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(WorkerFailure);
    expect(err).toMatchObject({ reason: 'timeout', message: 'HTML parsing exceeded 1 ms' });
  });
});
