import { Logger } from '@nestjs/common';

import { IndexWorkerClient } from 'src/rag/index/index-worker.client';

const DIM = 64;

describe(IndexWorkerClient.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

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
