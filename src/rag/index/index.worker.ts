import { parentPort } from 'node:worker_threads';

import { IndexWorkerHandler } from 'src/rag/index/index-worker.handler';
import type { IndexRequest } from 'src/rag/index/index-worker.protocol';

/** The index worker thread's entry (spawned by IndexWorkerClient): every command goes to one handler. */
const handler = new IndexWorkerHandler();

parentPort?.on('message', (request: IndexRequest) => {
  void handler.reply(request).then((reply) => parentPort?.postMessage(reply));
});
