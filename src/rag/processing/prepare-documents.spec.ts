import { chunkText } from 'src/rag/processing/chunker';
import { LARGE_DOCUMENT_CHARS, prepareDocuments } from 'src/rag/processing/prepare-documents';
import { prepareInWorker } from 'src/rag/processing/prepare-in-worker';
import { prepareDocument, type SourceDocument } from 'src/rag/processing/source-document';

// The worker thread loads the real chunker; only this (main) thread sees the mock, so a call here means the document
// was chunked on the main thread.
jest.mock('src/rag/processing/chunker', () => {
  const actual = jest.requireActual<typeof import('src/rag/processing/chunker')>('src/rag/processing/chunker');
  return { ...actual, chunkText: jest.fn(actual.chunkText) };
});

const paragraph = 'Our technicians service boilers every October, before the first frost arrives. '.repeat(4);
// Characters of two, three and four UTF-8 bytes: chunk texts travel back as UTF-8.
const accented = 'Le café du coin répare les chaudières — 日本語のページ 🔧. '.repeat(12);
const largeDocument: SourceDocument = {
  sourceType: 'file',
  title: 'Boiler Care',
  sourceKey: 'file:boiler-care.md',
  text: Array.from({ length: 400 }, (_, i) => `## Step ${i + 1}\n\n${i % 7 ? paragraph : accented}`).join('\n\n'),
  metadata: { filename: 'boiler-care.md' },
};

describe(prepareInWorker.name, () => {
  beforeEach(() => jest.mocked(chunkText).mockClear());

  it('prepares a large document in a worker thread, chunk for chunk what the main thread would make', async () => {
    expect(largeDocument.text.length).toBeGreaterThanOrEqual(LARGE_DOCUMENT_CHARS);

    const [prepared] = await prepareDocuments([largeDocument]);

    expect(chunkText).not.toHaveBeenCalled();
    expect(prepared.chunks.length).toBeGreaterThan(100);
    expect(prepared).toEqual(prepareDocument(largeDocument));
  });

  it("keeps the document's own metadata on chunks outside any section, as the main thread would", async () => {
    const plain: SourceDocument = {
      sourceType: 'json',
      url: 'https://a.example/manual',
      title: 'Manual',
      text: Array.from({ length: 300 }, () => accented).join('\n\n'),
      metadata: { heading: 'set by the uploader', tags: ['boilers'] },
    };
    expect(plain.text.length).toBeGreaterThanOrEqual(LARGE_DOCUMENT_CHARS);

    const [prepared] = await prepareDocuments([plain]);

    expect(chunkText).not.toHaveBeenCalled();
    expect(prepared).toEqual(prepareDocument(plain));
    expect(prepared.chunks[0].metadata).toEqual(plain.metadata);
  });

  it('hands back a large text that shrinks to a single chunk once its whitespace is collapsed', async () => {
    const sparse: SourceDocument = { sourceType: 'json', title: 'Sparse', text: `Drains ${' '.repeat(70_000)}today.` };
    expect(sparse.text.length).toBeGreaterThanOrEqual(LARGE_DOCUMENT_CHARS);

    const [prepared] = await prepareDocuments([sparse]);

    expect(chunkText).not.toHaveBeenCalled();
    expect(prepared).toEqual(prepareDocument(sparse));
    expect(prepared.chunks.map((c) => c.text)).toEqual(['Drains today.']);
  });

  it('prepares small documents inline, with no thread to start', async () => {
    const small = { ...largeDocument, text: paragraph };

    const [prepared] = await prepareDocuments([small]);

    expect(chunkText).toHaveBeenCalledTimes(1);
    expect(prepared).toEqual(prepareDocument(small));
  });
});

describe(prepareDocuments.name, () => {
  it('keeps the documents with text in order, and lets other work on the event loop run between them', async () => {
    const docs = ['Drains are unblocked the same day.', '   ', 'Boilers are serviced every October.'].map(
      (text, i) => ({ sourceType: 'json' as const, title: `Page ${i}`, text }),
    );
    const order: string[] = [];

    const done = prepareDocuments(docs, 0).then((prepared) => {
      order.push('prepared');
      return prepared;
    });
    setImmediate(() => order.push('other work'));
    const prepared = await done;

    expect(order).toEqual(['other work', 'prepared']);
    expect(prepared.map((d) => d.title)).toEqual(['Page 0', 'Page 2']);
    expect(prepared).toEqual([prepareDocument(docs[0]), prepareDocument(docs[2])]);
  });
});
