import { parentPort } from 'node:worker_threads';

import { lowerThisThreadPriority } from 'src/common/threads/background-priority';
import { IndexWorkerHandler } from 'src/rag/index/index-worker.handler';
import { type IndexRequest, replyTransferables, SHUTDOWN_MESSAGE } from 'src/rag/index/index-worker.protocol';

/** The index worker thread's entry (spawned by IndexWorkerClient): every command goes to one handler. */
const handler = new IndexWorkerHandler();
// A build must not take the CPU from the event loop that answers chats and calls (see lowerThisThreadPriority).
lowerThisThreadPriority();

parentPort?.on('message', (request: IndexRequest | typeof SHUTDOWN_MESSAGE) => {
  if (request.op === SHUTDOWN_MESSAGE.op) {
    // The thread ends by running out of work, not by process.exit(): exiting requests termination, and an insert
    // loop resuming from its yield before it took effect called hnswlib into a terminating thread, which aborts the
    // whole process (seen on Node 24 in CI). Loops now stop at their next slice; the closed port lets the thread end.
    handler.shutdown();
    parentPort?.close();
    return;
  }
  void handler.reply(request).then((reply) => parentPort?.postMessage(reply, replyTransferables(reply)));
});
