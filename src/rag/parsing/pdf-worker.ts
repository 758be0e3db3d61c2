import { Worker } from 'node:worker_threads';

import type { RawPdf } from 'src/rag/parsing/pdf-text';
import { firstReply } from 'src/rag/parsing/worker-run';

/**
 * pdf.js runs in a worker thread: it is CPU-bound (a large PDF would stall every chat on this instance) and it is an
 * ES module that unpdf loads with a dynamic import(), which Jest's CommonJS runtime on Node 20 cannot perform. The
 * worker is plain JavaScript so it needs no TypeScript loader; it returns positioned text runs and the Info title.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { getDocumentProxy } = require(workerData.unpdfPath);
(async () => {
  const pdf = await getDocumentProxy(workerData.data, { verbosity: 0 });
  try {
    const pages = [];
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent();
      pages.push(content.items
        .filter((it) => typeof it.str === 'string' && Array.isArray(it.transform))
        .map((it) => ({ str: it.str, transform: it.transform, height: it.height, hasEOL: !!it.hasEOL })));
      page.cleanup();
    }
    const meta = await pdf.getMetadata().catch(() => null);
    const t = meta && meta.info && meta.info.Title;
    parentPort.postMessage({ ok: true, pdf: { title: typeof t === 'string' && t.trim() ? t.trim() : null, pages } });
  } finally {
    await pdf.destroy();
  }
})().catch((err) => parentPort.postMessage({ ok: false, error: String(err && err.message || err) }));
`;

type WorkerReply = { ok: true; pdf: RawPdf } | { ok: false; error: string };

export interface PdfWorkerLimits {
  timeoutMs: number;
  maxHeapMb: number;
}

export async function extractPdfInWorker(buffer: Buffer, limits: PdfWorkerLimits): Promise<RawPdf> {
  // A copy, transferred: pdf.js detaches the array it parses, and the caller's Buffer may be a pooled slice.
  const data = new Uint8Array(buffer);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { data, unpdfPath: require.resolve('unpdf') },
    transferList: [data.buffer],
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
  });
  const reply = await firstReply<WorkerReply>(worker, limits.timeoutMs, 'PDF extraction');
  if (!reply.ok) throw new Error(reply.error);
  return reply.pdf;
}
