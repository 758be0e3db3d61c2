import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

import { BACKGROUND_NICE, lowerThisThreadPriority } from 'src/common/threads/background-priority';

/** Runs lowerThisThreadPriority in a fresh worker thread and reports what the thread saw. */
function inWorker(): Promise<{ lowered: boolean; nice: number }> {
  const source = `
    require('ts-node').register({ transpileOnly: true, swc: true });
    require('tsconfig-paths').register({ baseUrl: ${JSON.stringify(process.cwd())}, paths: { 'src/*': ['src/*'] } });
    const { readlinkSync } = require('node:fs');
    const { getPriority } = require('node:os');
    const { parentPort } = require('node:worker_threads');
    const { lowerThisThreadPriority } = require(${JSON.stringify(require.resolve('./background-priority'))});
    const lowered = lowerThisThreadPriority();
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    parentPort.postMessage({ lowered, nice: getPriority(tid) });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const onLinux = process.platform === 'linux' ? it : it.skip;

describe(lowerThisThreadPriority.name, () => {
  onLinux(
    'lowers the calling worker thread to the background nice value and leaves the event loop alone',
    async () => {
      const before = getPriority();
      const seen = await inWorker();
      expect(seen).toEqual({ lowered: true, nice: BACKGROUND_NICE });
      // The main thread (the one answering requests) keeps its priority: Linux nice values are per thread.
      expect(getPriority()).toBe(before);
    },
    30_000,
  );
});
