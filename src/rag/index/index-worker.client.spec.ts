import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';

import { Logger } from '@nestjs/common';

import { BACKGROUND_NICE } from 'src/common/threads/background-priority';
import { IndexWorkerClient } from 'src/rag/index/index-worker.client';

const DIM = 64;

describe(IndexWorkerClient.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  (process.platform === 'linux' ? it : it.skip)(
    'builds at background priority: the worker thread is niced, the event loop is not',
    async () => {
      const client = new IndexWorkerClient();
      try {
        const own = getPriority();
        const before = new Set(threadIds());
        await client.request({ op: 'create', handle: client.allocateHandle(), dimension: DIM });
        // Threads of earlier suites may come and go meanwhile: only the ones this request started are looked at.
        const started = threadIds().filter((tid) => !before.has(tid));
        expect(started.map(niceOf)).toContain(BACKGROUND_NICE);
        expect(getPriority()).toBe(own);
      } finally {
        await client.close();
      }
    },
    30_000,
  );

  it('closes while a large build runs in the worker: the build is abandoned, the process carries on', async () => {
    const client = new IndexWorkerClient();
    const handle = client.allocateHandle();
    await client.request({ op: 'create', handle, dimension: DIM });
    const count = 50_000;
    const labels = Uint32Array.from({ length: count }, (_, i) => i);
    const vectors = Float32Array.from({ length: count * DIM }, (_, i) => Math.sin(i * 12.9898) * 0.5);
    const building = client.request({ op: 'upsert', handle, labels, vectors }, [labels.buffer, vectors.buffer]);
    const outcome = building.then(
      () => 'finished',
      (err: Error) => err.message,
    );
    // Stopped while hnswlib is inserting: a terminated thread inside a native call used to abort the whole process.
    await new Promise((r) => setTimeout(r, 300));
    await client.close();
    expect(await outcome).toMatch(/released|finished/i);
    // This process is still here to say so, and a closed client refuses new work instead of starting a worker.
    await expect(client.request({ op: 'free', handle })).rejects.toThrow();
  }, 60_000);
});

const threadIds = () => readdirSync('/proc/self/task');

/** A thread's nice value (Linux's setpriority/getpriority take a thread id); NaN once the thread is gone. */
function niceOf(tid: string): number {
  try {
    return getPriority(Number(tid));
  } catch {
    return NaN;
  }
}
