import type { ExtractedText } from 'src/rag/parsing/document-extract';
import { firstReply, spawnModuleWorker } from 'src/rag/parsing/worker-run';
import type { ZipLimits } from 'src/rag/parsing/zip-limits';

export interface DocumentWorkerInput {
  format: 'docx' | 'html';
  data: Uint8Array;
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
 * DOCX (mammoth) and HTML (cheerio) are parsed in a worker thread, as PDFs are: both are CPU-bound on large files,
 * and a hostile one (a zip bomb, a pathological DOM) must exhaust a bounded thread rather than this instance's heap.
 * Rejects with a WorkerFailure when the worker times out, runs out of memory or dies.
 */
export function extractInWorker(
  format: DocumentWorkerInput['format'],
  buffer: Buffer,
  limits: DocumentWorkerLimits,
): Promise<DocumentWorkerReply> {
  // A copy, transferred: the caller's Buffer may be a slice of a pooled allocation.
  const data = new Uint8Array(buffer);
  const input: DocumentWorkerInput = { format, data, zipLimits: limits.zip };
  const worker = spawnModuleWorker(__dirname, 'document.worker', input, {
    transferList: [data.buffer],
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
  });
  return firstReply<DocumentWorkerReply>(worker, limits.timeoutMs, `${format.toUpperCase()} parsing`);
}
