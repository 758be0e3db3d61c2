import { parentPort, workerData } from 'node:worker_threads';

import { packDocument, type PrepareWorkerReply, transferablesOf } from 'src/rag/processing/prepare-in-worker';
import { prepareDocument, type SourceDocument } from 'src/rag/processing/source-document';

/** Worker thread entry (see prepare-in-worker.ts): normalizes, chunks and hashes one large document. */
function run(doc: SourceDocument): PrepareWorkerReply {
  try {
    const packed = packDocument(prepareDocument(doc));
    return { ok: true, packed };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

const reply = run((workerData as { doc: SourceDocument }).doc);
parentPort?.postMessage(reply, reply.ok ? transferablesOf(reply.packed) : []);
