import { parentPort, workerData } from 'node:worker_threads';

import { extractPage, type PageWorkerInput, type PageWorkerReply } from 'src/rag/crawl/page-extractor';

/** Worker thread entry (see extractPageOffLoop): parses one large crawled page and posts what was read from it. */
function run(input: PageWorkerInput): PageWorkerReply {
  const body = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
  try {
    return { ok: true, page: extractPage(body, input.pageUrl, input.charset) };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.postMessage(run(workerData as PageWorkerInput));
