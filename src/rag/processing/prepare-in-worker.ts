import { TimeSlice } from 'src/common/threads/time-slice';
import { firstReply, spawnModuleWorker } from 'src/rag/parsing/worker-run';
import type { PreparedChunk, PreparedDocument, SourceDocument } from 'src/rag/processing/source-document';

/**
 * A prepared document as a few transferable buffers instead of one object per chunk. Structured clone rebuilt the
 * 17,661 chunks of an 8 MB document object by object (61 ms in one piece on the receiving event loop), and even as
 * a few large strings the copy took ~30 ms. Buffers are handed over without a copy, and the chunks' strings are
 * decoded here one chunk at a time, in slices.
 */
export interface PackedDocument {
  document: Omit<PreparedDocument, 'chunks'>;
  /** Every chunk's text in UTF-8, in order, concatenated. */
  texts: Uint8Array;
  byteLengths: Uint32Array;
  /** contentHash, embedHash and rowKey of each chunk as raw SHA-256 digests (32 bytes each), concatenated. */
  digests: Uint8Array;
  /** Distinct section headings; `headingOf[i]` is chunk i's, or -1 when its metadata is the document's own. */
  headings: string[];
  headingOf: Int32Array;
}

export type PrepareWorkerReply = { ok: true; packed: PackedDocument } | { ok: false; detail: string };

const DIGEST_BYTES = 32;

/**
 * Limits of one preparation thread. An 8 MB document takes 0.5–1.4 s to chunk and hash, depending on the machine; the
 * time limit leaves room for a busy one and stops a pathological input. Its heap holds the text, its normalized copy
 * and the chunks (a few times the document).
 */
const PREPARE_TIMEOUT_MS = 120_000;
const PREPARE_MAX_HEAP_MB = 512;

/** Longest stretch of rebuilding chunk objects between two yields to the event loop. */
const UNPACK_SLICE_MS = 4;

/**
 * Prepares one document (normalizing, chunking, hashing every chunk) in a worker thread. Splitting an 8 MB document
 * held the event loop for 0.5–1.4 s in one piece, and slicing the chunker would not remove its whole-text passes
 * (normalization, the paragraph split); here the loop pays for copying the text out and the chunks back, in slices.
 * Rejects with a WorkerFailure when the thread times out, runs out of memory or dies.
 */
export async function prepareInWorker(doc: SourceDocument): Promise<PreparedDocument> {
  const worker = spawnModuleWorker(
    __dirname,
    'prepare.worker',
    { doc },
    { resourceLimits: { maxOldGenerationSizeMb: PREPARE_MAX_HEAP_MB, maxYoungGenerationSizeMb: 32 } },
  );
  const reply = await firstReply<PrepareWorkerReply>(worker, PREPARE_TIMEOUT_MS, 'Preparing a document');
  if (!reply.ok) throw new Error(`Preparing a document failed: ${reply.detail}`);
  return unpackDocument(reply.packed);
}

export function packDocument(prepared: PreparedDocument): PackedDocument {
  const { chunks, ...document } = prepared;
  const headings = new Map<string, number>();
  const headingOf = new Int32Array(chunks.length);
  chunks.forEach((chunk, i) => {
    // prepareDocument gives a chunk the document's own metadata object unless it adds the chunk's heading.
    if (chunk.metadata === prepared.metadata) {
      headingOf[i] = -1;
      return;
    }
    const heading = String(chunk.metadata.heading);
    if (!headings.has(heading)) headings.set(heading, headings.size);
    headingOf[i] = headings.get(heading)!;
  });
  // Buffers of their own: a small Buffer is a slice of Node's shared pool, which cannot be transferred.
  const digests = new Uint8Array(
    Buffer.from(chunks.map((c) => c.contentHash + c.embedHash + c.rowKey).join(''), 'hex'),
  );
  return {
    document,
    texts: new TextEncoder().encode(chunks.map((c) => c.text).join('')),
    byteLengths: Uint32Array.from(chunks, (c) => Buffer.byteLength(c.text, 'utf8')),
    digests,
    headings: [...headings.keys()],
    headingOf,
  };
}

/** The buffers a packed document hands over to the receiving thread (moved, not copied). */
export function transferablesOf(packed: PackedDocument): ArrayBuffer[] {
  return [packed.texts, packed.byteLengths, packed.digests, packed.headingOf].map((view) => view.buffer as ArrayBuffer);
}

export async function unpackDocument(packed: PackedDocument, sliceMs = UNPACK_SLICE_MS): Promise<PreparedDocument> {
  const { document, texts, byteLengths, digests, headings, headingOf } = packed;
  const slice = new TimeSlice(sliceMs);
  const utf8 = new TextDecoder();
  const digestBytes = Buffer.from(digests.buffer, digests.byteOffset, digests.byteLength);
  const metadataOf = headings.map((heading) => ({ ...document.metadata, heading }));
  const chunks: PreparedChunk[] = [];
  let offset = 0;
  for (let i = 0; i < byteLengths.length; i++) {
    if (i > 0) await slice.yieldIfDue();
    const hash = (n: number) => {
      const at = (i * 3 + n) * DIGEST_BYTES;
      return digestBytes.toString('hex', at, at + DIGEST_BYTES);
    };
    chunks.push({
      chunkIndex: i,
      text: utf8.decode(texts.subarray(offset, offset + byteLengths[i])),
      contentHash: hash(0),
      embedHash: hash(1),
      rowKey: hash(2),
      metadata: headingOf[i] === -1 ? document.metadata : metadataOf[headingOf[i]],
    });
    offset += byteLengths[i];
  }
  return { ...document, chunks };
}
