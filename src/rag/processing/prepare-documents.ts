import { TimeSlice } from 'src/common/threads/time-slice';
import { prepareInWorker } from 'src/rag/processing/prepare-in-worker';
import { type PreparedDocument, prepareDocument, type SourceDocument } from 'src/rag/processing/source-document';

/**
 * Longest stretch of preparing between two yields to the event loop: an upload's documents were prepared in one
 * synchronous pass, so 6,100 GoAccel pages held chat turns and call audio for 0.4 s.
 */
const PREPARE_SLICE_MS = 4;

/**
 * Text length from which a document is prepared in a worker thread: inline, such a document takes 3–15 ms of the
 * event loop (a fast machine to a slow one), more than starting a worker costs it (~5 ms).
 */
export const LARGE_DOCUMENT_CHARS = 64 * 1024;

/**
 * Prepares an upload's documents in order, keeping those that yield chunks, and lets other work on the event loop
 * run between documents once a slice is used up. A large document is prepared in a worker thread.
 */
export async function prepareDocuments(
  docs: SourceDocument[],
  sliceMs = PREPARE_SLICE_MS,
): Promise<PreparedDocument[]> {
  const slice = new TimeSlice(sliceMs);
  const prepared: PreparedDocument[] = [];
  for (const [i, doc] of docs.entries()) {
    if (i > 0) await slice.yieldIfDue();
    const document = doc.text.length >= LARGE_DOCUMENT_CHARS ? await prepareInWorker(doc) : prepareDocument(doc);
    if (document.chunks.length > 0) prepared.push(document);
  }
  return prepared;
}
