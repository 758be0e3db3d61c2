import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

import { BACKGROUND_NICE, lowerThisThreadPriority, SCHED_IDLE_POLICY } from 'src/common/threads/background-priority';

interface Seen {
  lowered: string;
  nice: number;
  policy: number;
}

/** Runs lowerThisThreadPriority in a fresh worker thread and reports what the thread saw, `path` on PATH. */
function inWorker(path = process.env.PATH): Promise<Seen> {
  const source = `
    require('ts-node').register({ transpileOnly: true, swc: true });
    require('tsconfig-paths').register({ baseUrl: ${JSON.stringify(process.cwd())}, paths: { 'src/*': ['src/*'] } });
    const { readFileSync, readlinkSync } = require('node:fs');
    const { getPriority } = require('node:os');
    const { parentPort } = require('node:worker_threads');
    const { lowerThisThreadPriority } = require(${JSON.stringify(require.resolve('./background-priority'))});
    process.env.PATH = ${JSON.stringify(path ?? '')};
    const lowered = lowerThisThreadPriority();
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // The command name may hold spaces and parentheses: fields are counted after its closing parenthesis.
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
    parentPort.postMessage({ lowered, nice: getPriority(tid), policy });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, env: { ...process.env, PATH: path } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const onLinux = process.platform === 'linux' ? it : it.skip;

describe(lowerThisThreadPriority.name, () => {
  onLinux(
    'puts the calling worker thread under SCHED_IDLE at the background nice value and leaves the event loop alone',
    async () => {
      const before = getPriority();
      const seen = await inWorker();
      expect(seen).toEqual({ lowered: 'sched-idle', nice: BACKGROUND_NICE, policy: SCHED_IDLE_POLICY });
      // The main thread (the one answering requests) keeps its priority: Linux nice values are per thread.
      expect(getPriority()).toBe(before);
    },
    30_000,
  );

  onLinux(
    'falls back to the nice value alone where chrt is missing',
    async () => {
      const seen = await inWorker('/nonexistent');
      expect(seen).toEqual({ lowered: 'nice', nice: BACKGROUND_NICE, policy: 0 });
    },
    30_000,
  );
});
