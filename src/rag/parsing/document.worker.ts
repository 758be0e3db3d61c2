import { parentPort, workerData } from 'node:worker_threads';

import { docxToText, htmlToText, normalizeText, textFileToText } from 'src/rag/parsing/document-extract';
import type { DocumentWorkerInput, DocumentWorkerReply } from 'src/rag/parsing/document-worker';
import { ZipTooLargeError } from 'src/rag/parsing/zip-limits';

/** Worker thread entry (see document-worker.ts): parses one file and posts its normalized text back. */
async function run(input: DocumentWorkerInput): Promise<DocumentWorkerReply> {
  const buffer = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
  try {
    const result =
      input.format === 'docx'
        ? await docxToText(buffer, input.zipLimits)
        : input.format === 'html'
          ? htmlToText(buffer)
          : textFileToText(input.format, buffer, input.filename);
    return { ok: true, result: { title: result.title, text: normalizeText(result.text) } };
  } catch (err) {
    if (err instanceof ZipTooLargeError) return { ok: false, reason: 'too-large', detail: err.detail };
    return { ok: false, reason: 'unreadable', detail: err instanceof Error ? err.message : String(err) };
  }
}

void run(workerData as DocumentWorkerInput).then((reply) => parentPort?.postMessage(reply));
