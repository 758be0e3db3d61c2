import type { ExtractedText, TextFileFormat } from 'src/rag/parsing/document-extract';
import { firstReply, spawnModuleWorker } from 'src/rag/parsing/worker-run';
import type { ZipLimits } from 'src/rag/parsing/zip-limits';

export type WorkerFormat = 'docx' | 'html' | TextFileFormat;

export interface DocumentWorkerInput {
  format: WorkerFormat;
  data: Uint8Array;
  /** Read by the CSV parser only (a `.tsv` name picks the tab delimiter). */
  filename: string;
  zipLimits: ZipLimits;
}

export type DocumentWorkerReply =
  { ok: true; result: ExtractedText } | { ok: false; reason: 'too-large' | 'unreadable'; detail: string };

export interface DocumentWorkerLimits {
  timeoutMs: number;
  maxHeapMb: number;
  zip: ZipLimits;
}

/**
 * DOCX (mammoth), HTML (cheerio) and all but small Markdown, CSV and text files are parsed in a worker thread, as
 * PDFs are: all are CPU-bound on large files (an 8 MB Markdown file takes seconds to render and read back), and a
 * hostile one (a zip bomb, a pathological DOM) must exhaust a bounded thread rather than this instance's heap.
 * Rejects with a WorkerFailure when the worker times out, runs out of memory or dies.
 */
export function extractInWorker(
  format: WorkerFormat,
  buffer: Buffer,
  filename: string,
  limits: DocumentWorkerLimits,
): Promise<DocumentWorkerReply> {
  // A copy, transferred: the caller's Buffer may be a slice of a pooled allocation.
  const data = new Uint8Array(buffer);
  const input: DocumentWorkerInput = { format, data, filename, zipLimits: limits.zip };
  const worker = spawnModuleWorker(__dirname, 'document.worker', input, {
    transferList: [data.buffer],
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
  });
  return firstReply<DocumentWorkerReply>(worker, limits.timeoutMs, `${format.toUpperCase()} parsing`);
}
