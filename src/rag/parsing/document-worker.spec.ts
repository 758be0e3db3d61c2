import type { AppConfig } from 'src/config/app-config.service';
import { csvToText } from 'src/rag/parsing/csv-text';
import { docxToText, htmlToText, textFileToText } from 'src/rag/parsing/document-extract';
import { DocumentParser } from 'src/rag/parsing/document-parser';
import { extractInWorker } from 'src/rag/parsing/document-worker';
import { markdownToText } from 'src/rag/parsing/markdown-text';
import { WorkerFailure } from 'src/rag/parsing/worker-run';
import { buildDocx, buildHtmlPage } from 'test/factories/knowledge-file.factory';

// The worker thread loads the real module; only this (main) thread sees the mock, so a call here means the parse
// ran on the main thread.
jest.mock('src/rag/parsing/document-extract', () => ({
  ...jest.requireActual<object>('src/rag/parsing/document-extract'),
  docxToText: jest.fn(),
  htmlToText: jest.fn(),
  textFileToText: jest.fn(),
}));
jest.mock('src/rag/parsing/markdown-text', () => ({ markdownToText: jest.fn() }));
jest.mock('src/rag/parsing/csv-text', () => ({ csvToText: jest.fn() }));

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

  it('parses Markdown, CSV and text files larger than a few kilobytes in a worker thread too', async () => {
    const paragraph = 'Our technicians service boilers every October, before the first frost arrives. '.repeat(3);
    const markdown = ['# Boiler Care', ...Array.from({ length: 60 }, (_, i) => `## Step ${i + 1}\n\n${paragraph}`)];
    const csv = ['question,answer', ...Array.from({ length: 60 }, (_, i) => `"Q${i}","${paragraph}"`)];
    const files = {
      markdown: Buffer.from(markdown.join('\n\n')),
      csv: Buffer.from(csv.join('\n')),
      text: Buffer.from(Array.from({ length: 60 }, () => paragraph).join('\n\n\n')),
    };
    for (const file of Object.values(files)) expect(file.length).toBeGreaterThan(8 * 1024);

    const [md, sheet, plain] = await Promise.all([
      sut.parse(files.markdown, 'care.md'),
      sut.parse(files.csv, 'faq.csv'),
      sut.parse(files.text, 'notes.txt'),
    ]);

    expect(md.title).toBe('Boiler Care');
    expect(md.text.split('\n\n').slice(0, 3)).toEqual(['# Boiler Care', '## Step 1', paragraph.trim()]);
    expect(sheet.text.split('\n\n')[59]).toBe(`question: Q59; answer: ${paragraph.trim()}`);
    expect(plain).toEqual({ format: 'txt', title: null, text: Array(60).fill(paragraph.trim()).join('\n\n') });
    expect(textFileToText).not.toHaveBeenCalled();
    expect(markdownToText).not.toHaveBeenCalled();
    expect(csvToText).not.toHaveBeenCalled();
  });

  it('stops a worker that outlives its time limit and reports the timeout', async () => {
    const html = Buffer.from(buildHtmlPage({ title: 'Slow', heading: 'Slow', paragraphs: ['Text.'] }));

    const err: unknown = await extractInWorker('html', html, 'slow.html', { timeoutMs: 1, maxHeapMb: 256, zip }).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(WorkerFailure);
    expect(err).toMatchObject({ reason: 'timeout', message: 'HTML parsing exceeded 1 ms' });
  });
});
