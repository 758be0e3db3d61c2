import { parentPort } from 'node:worker_threads';

import { IndexWorkerHandler } from 'src/rag/index/index-worker.handler';
import { type IndexRequest, SHUTDOWN_MESSAGE } from 'src/rag/index/index-worker.protocol';

/** The index worker thread's entry (spawned by IndexWorkerClient): every command goes to one handler. */
const handler = new IndexWorkerHandler();

parentPort?.on('message', (request: IndexRequest | typeof SHUTDOWN_MESSAGE) => {
  // Runs between two slices of any build (they yield to messages), never inside a native call.
  if (request.op === SHUTDOWN_MESSAGE.op) process.exit(0);
  void handler.reply(request).then((reply) => parentPort?.postMessage(reply));
});
