import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { Worker } from 'node:worker_threads';

import { Logger } from '@nestjs/common';

import { BACKGROUND_NICE, SCHED_IDLE_POLICY } from 'src/common/threads/background-priority';
import { IndexWorkerClient } from 'src/rag/index/index-worker.client';

const DIM = 64;

describe(IndexWorkerClient.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  (process.platform === 'linux' ? it : it.skip)(
    'builds at background priority: the worker thread runs under SCHED_IDLE and niced, the event loop does not',
    async () => {
      const client = new IndexWorkerClient();
      try {
        const own = getPriority();
        const before = new Set(threadIds());
        await client.request({ op: 'create', handle: client.allocateHandle(), dimension: DIM });
        // Threads of earlier suites may come and go meanwhile: only the ones this request started are looked at.
        const started = threadIds().filter((tid) => !before.has(tid));
        const lowered = started.filter((tid) => niceOf(tid) === BACKGROUND_NICE);
        expect(lowered.map(policyOf)).toContain(SCHED_IDLE_POLICY);
        expect(getPriority()).toBe(own);
        expect(policyOf('self')).toBe(0);
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
    const { labels, vectors } = build(50_000);
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

  it('never terminates a worker still busy after the grace: the worker ends by itself at its next slice', async () => {
    const client = new IndexWorkerClient(0);
    const handle = client.allocateHandle();
    await client.request({ op: 'create', handle, dimension: DIM });
    const { labels, vectors } = build(50_000);
    void client.request({ op: 'upsert', handle, labels, vectors }, [labels.buffer, vectors.buffer]).catch(() => null);
    const worker = (client as unknown as { worker: Worker }).worker;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 300));

    await client.close();

    // A terminated thread exits with 1 (and, terminated inside addPoint, aborts the process); this one ran out of work.
    expect(await exited).toBe(0);
  }, 60_000);
});

const build = (count: number) => ({
  labels: Uint32Array.from({ length: count }, (_, i) => i),
  vectors: Float32Array.from({ length: count * DIM }, (_, i) => Math.sin(i * 12.9898) * 0.5),
});

const threadIds = () => readdirSync('/proc/self/task');

/** A thread's nice value (Linux's setpriority/getpriority take a thread id); NaN once the thread is gone. */
/** Scheduling policy of a thread of this process (field 41 of its stat; 0 is SCHED_OTHER), NaN once it is gone. */
function policyOf(tid: string): number {
  try {
    const stat = readFileSync(tid === 'self' ? '/proc/thread-self/stat' : `/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  } catch {
    return NaN;
  }
}

function niceOf(tid: string): number {
  try {
    return getPriority(Number(tid));
  } catch {
    return NaN;
  }
}
