import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';

import { Logger } from '@nestjs/common';

import { HNSW_PARAMS } from 'src/rag/index/hnsw-vector-index';
import { HnswVectorIndexRegistry } from 'src/rag/index/hnsw-vector-index.registry';
import { IndexWorkerClient } from 'src/rag/index/index-worker.client';
import type { IndexCommand } from 'src/rag/index/index-worker.protocol';
import { SCAN_BUDGET } from 'src/rag/index/vector-snapshot';
import { OpenVectorIndexOptions, VectorRow } from 'src/rag/vector-index.port';

const DIM = 16;
const MODEL = 'test-model';

/** Deterministic pseudo-random unit vectors (mulberry32), so failures reproduce. */
function vectors(count: number, seed = 1, firstLabel = 0): VectorRow[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, (_, i) => ({
    label: firstLabel + i,
    vector: Float32Array.from({ length: DIM }, random),
  }));
}

/** The loader's shape: rows in batches, as KnowledgeIndexService pages them out of Postgres. */
async function* inBatches(all: VectorRow[], size = 20): AsyncIterable<VectorRow[]> {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

describe(HnswVectorIndexRegistry.name, () => {
  let dataDir: string;
  // One worker thread for the whole file: starting one per test would dominate its run time.
  let client: IndexWorkerClient;
  let sut: HnswVectorIndexRegistry;
  let rows: VectorRow[];
  let loader: jest.Mock<AsyncIterable<VectorRow[]>, []>;
  const open = (overrides: Partial<OpenVectorIndexOptions> = {}) =>
    sut.forTenant('tenant-a', { modelId: MODEL, dimension: DIM, loader, ...overrides });
  const indexFile = () => join(dataDir, 'indexes', 'tenant-a', 'vectors.hnsw');
  const metaFile = () => join(dataDir, 'indexes', 'tenant-a', 'vectors.meta.json');

  beforeAll(() => {
    Logger.overrideLogger(false);
    client = new IndexWorkerClient();
  });

  afterAll(() => client.close());

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hnsw-spec-'));
    sut = new HnswVectorIndexRegistry(dataDir, undefined, client);
    rows = vectors(50);
    loader = jest.fn(() => inBatches(rows));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('builds from the loader when no file exists, persists it, and finds each vector as its own nearest neighbour', async () => {
    const index = await open({ expected: { kbVersion: 1, checksum: 'abc' } });

    expect(loader).toHaveBeenCalledTimes(1);
    expect(index.size).toBe(50);
    const [best] = await index.search(rows[7].vector, 1);
    expect(best.label).toBe(7);
    expect(best.score).toBeCloseTo(1, 5);
    const meta = JSON.parse(await readFile(metaFile(), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ modelId: MODEL, dimension: DIM, elementCount: 50, kbVersion: 1, checksum: 'abc' });
    expect((await sut.status('tenant-a'))?.lastOpen).toMatchObject({ source: 'rebuilt', reason: 'missing' });
  });

  it('serves a verified file from disk after invalidate without calling the loader', async () => {
    await open({ expected: { kbVersion: 3, checksum: 'x' } });
    await sut.invalidate('tenant-a');

    const reopened = await open({ expected: { kbVersion: 3, checksum: 'x' } });

    expect(loader).toHaveBeenCalledTimes(1);
    expect(reopened.size).toBe(50);
    expect((await reopened.search(rows[3].vector, 1))[0].label).toBe(3);
    expect((await sut.status('tenant-a'))?.lastOpen?.source).toBe('disk');
  });

  it('shares one load between concurrent first callers', async () => {
    const [a, b, c] = await Promise.all([open(), open(), open()]);

    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['another embedding model', { modelId: 'other-model' }],
    ['another kb version', { expected: { kbVersion: 2, checksum: 'v1' } }],
    ['another checksum', { expected: { kbVersion: 1, checksum: 'changed' } }],
  ])('rebuilds instead of serving a file made for %s', async (_case, overrides: Partial<OpenVectorIndexOptions>) => {
    await open({ expected: { kbVersion: 1, checksum: 'v1' } });
    await sut.invalidate('tenant-a');
    rows = vectors(20, 99);

    const index = await open(overrides);

    expect(loader).toHaveBeenCalledTimes(2);
    expect(index.size).toBe(20);
    expect((await sut.status('tenant-a'))?.lastOpen?.source).toBe('rebuilt');
  });

  it('rebuilds when the caller asks for another dimension than the file holds', async () => {
    await open();
    await sut.invalidate('tenant-a');
    const wide = vectors(5).map((row) => ({ label: row.label, vector: new Float32Array(DIM * 2).fill(0.1) }));

    const index = await sut.forTenant('tenant-a', {
      modelId: MODEL,
      dimension: DIM * 2,
      loader: () => inBatches(wide),
    });

    expect(index.dimension).toBe(DIM * 2);
    expect(index.size).toBe(5);
  });

  it('rebuilds a cached index whose state no longer matches the expected one (version bumped elsewhere)', async () => {
    const first = await open({ expected: { kbVersion: 1, checksum: '' } });

    const second = await open({ expected: { kbVersion: 2, checksum: '' } });

    expect(second).not.toBe(first);
    expect(second.state).toEqual({ kbVersion: 2, checksum: '' });
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it.each([
    [
      'a flipped byte in the index file',
      async (file: string, _meta: string) => {
        const bytes = await readFile(file);
        bytes[Math.floor(bytes.length / 2)] ^= 0xff;
        await writeFile(file, bytes);
      },
    ],
    [
      'a truncated index file',
      async (file: string, _meta: string) => {
        const bytes = await readFile(file);
        await writeFile(file, bytes.subarray(0, bytes.length - 100));
      },
    ],
    ['a missing index file', async (file: string, _meta: string) => rm(file)],
    ['unparseable meta', async (_file: string, meta: string) => writeFile(meta, '{"format": 1, "modelId":')],
  ])('rebuilds from the loader after %s, never loading it', async (_case, damage) => {
    await open();
    await sut.invalidate('tenant-a');
    await damage(indexFile(), metaFile());

    const index = await open();

    expect(loader).toHaveBeenCalledTimes(2);
    expect(index.size).toBe(50);
    expect((await index.search(rows[11].vector, 1))[0].label).toBe(11);
    expect((await sut.status('tenant-a'))?.lastOpen).toMatchObject({
      source: 'rebuilt',
      reason: expect.stringMatching(/corrupt|unreadable-meta/),
    });
  });

  it('grows past its initial capacity by doubling ahead of inserts', async () => {
    rows = [];
    const index = await open();
    const many = vectors(HNSW_PARAMS.initialCapacity * 2 + 10, 7);

    for (let i = 0; i < many.length; i += 500) await index.upsert(many.slice(i, i + 500));

    expect(index.size).toBe(many.length);
    const status = await sut.status('tenant-a');
    expect(status?.capacity).toBe(HNSW_PARAMS.initialCapacity * 4);
    expect((await index.search(many[many.length - 1].vector, 1))[0].label).toBe(many.length - 1);
  });

  it('hides removed labels at once, keeps them hidden across a reload, and restores them on upsert', async () => {
    const index = await open();

    await index.remove([4, 5, 999]);
    expect(index.size).toBe(48);
    expect((await index.search(rows[4].vector, 50)).map((hit) => hit.label)).not.toContain(4);

    await index.commit({ kbVersion: 2, checksum: '' });
    await sut.invalidate('tenant-a');
    const reloaded = await open({ expected: { kbVersion: 2, checksum: '' } });
    expect(reloaded.size).toBe(48);
    expect((await reloaded.search(rows[5].vector, 50)).map((hit) => hit.label)).not.toContain(5);

    await reloaded.upsert([rows[4]]);
    expect(reloaded.size).toBe(49);
    expect((await reloaded.search(rows[4].vector, 1))[0].label).toBe(4);
  });

  it('replaces the vector of an existing label instead of adding a second entry', async () => {
    const index = await open();

    await index.upsert([{ label: 0, vector: rows[30].vector }]);

    expect(index.size).toBe(50);
    const hits = await index.search(rows[30].vector, 2);
    expect(hits.map((hit) => hit.label).sort((a, b) => a - b)).toEqual([0, 30]);
  });

  it('clamps k to the live count and honours a label filter', async () => {
    rows = vectors(6);
    const index = await open();
    await index.remove([0]);

    expect(await index.search(rows[1].vector, 100)).toHaveLength(5);
    expect(await index.search(rows[1].vector, 0)).toEqual([]);
    const even = await index.search(rows[1].vector, 5, new Set([0, 2, 4]));
    expect(even.map((hit) => hit.label).sort()).toEqual([2, 4]);
  });

  describe('a small index searched on this thread', () => {
    /** Waits until the snapshot the first search asked for is taken. */
    async function snapshotTaken(request: jest.SpyInstance<unknown, [IndexCommand, ArrayBuffer[]?]>): Promise<void> {
      const asked = request.mock.calls.findIndex(([command]) => command.op === 'snapshot');
      expect(asked).toBeGreaterThanOrEqual(0);
      await request.mock.results[asked].value;
      await new Promise((resolve) => setImmediate(resolve));
      request.mockClear();
    }

    it('answers from a snapshot of the vectors without a round trip to the worker, as the worker would', async () => {
      const index = await open();
      const request = jest.spyOn(client, 'request');
      const fromWorker = await Promise.all(rows.slice(0, 10).map((row) => index.search(row.vector, 5)));
      expect(request.mock.calls.filter(([command]) => command.op === 'search')).toHaveLength(10);
      await snapshotTaken(request);

      const fromSnapshot = await Promise.all(rows.slice(0, 10).map((row) => index.search(row.vector, 5)));

      expect(request).not.toHaveBeenCalled();
      expect(fromSnapshot.map((hits) => hits.map((hit) => hit.label))).toEqual(
        fromWorker.map((hits) => hits.map((hit) => hit.label)),
      );
      fromSnapshot.flat().forEach((hit, i) => expect(hit.score).toBeCloseTo(fromWorker.flat()[i].score, 5));
      request.mockRestore();
    });

    it('never answers from a snapshot older than an upsert or a removal', async () => {
      const index = await open();
      const request = jest.spyOn(client, 'request');
      await index.search(rows[0].vector, 1);
      await snapshotTaken(request);
      const newcomer = vectors(1, 777, 500)[0];

      await index.upsert([newcomer]);
      expect((await index.search(newcomer.vector, 1))[0].label).toBe(500);
      await index.remove([500, 7]);
      expect((await index.search(newcomer.vector, 50)).map((hit) => hit.label)).not.toContain(500);
      expect((await index.search(rows[7].vector, 50)).map((hit) => hit.label)).not.toContain(7);
      request.mockRestore();
    });

    it('evicting an index that holds a snapshot never evicts the one just opened', async () => {
      await open();
      // tenant-c's file exists, so the tight registry opens it from disk and holds it before enforcing its budget.
      await sut.forTenant('tenant-c', { modelId: MODEL, dimension: DIM, loader });
      const tight = new HnswVectorIndexRegistry(dataDir, Math.floor(sut.cachedBytes / 4), client);
      const openFor = (businessId: string) => tight.forTenant(businessId, { modelId: MODEL, dimension: DIM, loader });
      const request = jest.spyOn(client, 'request');
      await (await openFor('tenant-b')).search(rows[0].vector, 1);
      await snapshotTaken(request);
      request.mockRestore();

      const opened = await openFor('tenant-c');

      expect(tight.ready('tenant-c')).toBe(opened);
      await expect(opened.search(rows[2].vector, 1)).resolves.toEqual([expect.objectContaining({ label: 2 })]);
    });

    it('leaves a query too dense for a scan of the index to the worker', async () => {
      rows = vectors(Math.ceil(SCAN_BUDGET / DIM) + 1);
      const index = await open();
      const request = jest.spyOn(client, 'request');

      await index.search(rows[0].vector, 3);
      await index.search(rows[1].vector, 3);

      expect(request.mock.calls.map(([command]) => command.op)).toEqual(['search', 'search']);
      request.mockRestore();
    });
  });

  it('returns nothing for an empty knowledge base', async () => {
    rows = [];
    const index = await open();

    expect(await index.search(vectors(1)[0].vector, 5)).toEqual([]);
  });

  it('rejects a query vector of the wrong dimension', async () => {
    const index = await open();

    await expect(index.search(new Float32Array(DIM + 1), 3)).rejects.toMatchObject({
      code: 'RAG.INDEX_DIMENSION_MISMATCH',
    });
  });

  it('serializes concurrent mutations so none is lost', async () => {
    rows = [];
    const index = await open();
    const batches = Array.from({ length: 10 }, (_, i) => vectors(30, i + 10, i * 30));

    await Promise.all([
      ...batches.map((batch) => index.upsert(batch)),
      index.remove([0, 1, 2]),
      index.commit({ kbVersion: 9, checksum: '' }),
    ]);

    expect(index.size).toBe(297);
  });

  it('compacts once deleted entries outnumber live ones, keeping search results', async () => {
    rows = vectors(2100, 3);
    const index = await open();

    await index.remove(rows.slice(0, 1100).map((row) => row.label));

    expect(index.size).toBe(1000);
    expect((await sut.status('tenant-a'))?.capacity).toBe(2048);
    expect((await index.search(rows[2000].vector, 1))[0].label).toBe(2000);
  });

  it('rebuild replaces the whole content with the loader rows', async () => {
    const index = await open();
    rows = vectors(3, 42, 100);

    await index.rebuild({ kbVersion: 5, checksum: 'r' });

    expect(index.size).toBe(3);
    expect(index.state).toEqual({ kbVersion: 5, checksum: 'r' });
    expect((await index.search(rows[0].vector, 1))[0].label).toBe(100);
  });

  it('drop deletes the tenant folder and forgets the cached index', async () => {
    await open();

    await sut.drop('tenant-a');

    await expect(stat(join(dataDir, 'indexes', 'tenant-a'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await sut.status('tenant-a')).toBeNull();
  });

  it('drop of a tenant named like a file or folder in DATA_DIR leaves that file and every other index alone', async () => {
    await mkdir(join(dataDir, 'postgres'));
    await writeFile(join(dataDir, 'postgres', 'PG_VERSION'), '16');
    await writeFile(join(dataDir, 'admin-api-key'), 'secret');
    await open();
    for (const businessId of ['postgres', 'admin-api-key', 'indexes']) {
      await sut.forTenant(businessId, { modelId: MODEL, dimension: DIM, loader });
    }

    for (const businessId of ['postgres', 'admin-api-key', 'indexes']) await sut.drop(businessId);

    expect(await readFile(join(dataDir, 'postgres', 'PG_VERSION'), 'utf8')).toBe('16');
    expect(await readFile(join(dataDir, 'admin-api-key'), 'utf8')).toBe('secret');
    expect((await stat(indexFile())).isFile()).toBe(true);
    await expect(stat(join(dataDir, 'indexes', 'postgres'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the least recently used indexes beyond the byte budget out of memory and reopens them from disk', async () => {
    await open();
    const oneIndex = sut.cachedBytes;
    const small = new HnswVectorIndexRegistry(dataDir, Math.floor(oneIndex * 2.5), client);
    const openFor = (businessId: string) => small.forTenant(businessId, { modelId: MODEL, dimension: DIM, loader });
    await openFor('tenant-a');
    await openFor('tenant-b');
    await openFor('tenant-a');

    // Used by a search: tenant-a is now the least recently used.
    const kept = small.ready('tenant-b');
    await openFor('tenant-c');

    expect(small.cachedBytes).toBeLessThanOrEqual(oneIndex * 2.5);
    expect(small.ready('tenant-b')).not.toBeNull();
    expect(await small.status('tenant-a')).toBeNull();
    await expect(small.ready('tenant-c')!.search(rows[1].vector, 1)).resolves.toHaveLength(1);
    expect(small.ready('tenant-b')).toBe(kept);
    await openFor('tenant-a');
    expect((await small.status('tenant-a'))?.lastOpen?.source).toBe('disk');
    // tenant-a's file came from the first registry; b and c were built once each.
    expect(loader).toHaveBeenCalledTimes(3);
  });

  it('frees an evicted index in the worker: its holder gets RAG.INDEX_RELEASED, not a stale answer', async () => {
    const index = await open();

    await sut.invalidate('tenant-a');

    await expect(index.search(rows[0].vector, 1)).rejects.toMatchObject({ code: 'RAG.INDEX_RELEASED' });
    await expect(index.upsert([rows[0]])).rejects.toMatchObject({ code: 'RAG.INDEX_RELEASED' });
  });

  it('is not ready while it is being built, and is once the build is done', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    loader.mockImplementationOnce(async function* () {
      yield rows.slice(0, 10);
      await gate;
      yield rows.slice(10);
    });

    const opening = open();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(sut.ready('tenant-a')).toBeNull();
    release();
    const index = await opening;
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.ready('tenant-a')).toBe(index);
  });

  it("answers a search while another tenant's large index is being built, without waiting for the build", async () => {
    const ready = await open();
    const big = vectors(8000, 5);
    let built = false;
    const building = sut
      .forTenant('tenant-big', { modelId: MODEL, dimension: DIM, loader: () => inBatches(big, 2000) })
      .then(() => (built = true));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const [best] = await ready.search(rows[7].vector, 1);

    expect(best.label).toBe(7);
    expect(built).toBe(false);
    await building;
  }, 60_000);

  it('forgets every index when the worker thread dies, failing what was pending, and reopens from disk', async () => {
    const index = await open({ expected: { kbVersion: 1, checksum: 'w' } });
    const worker = (client as unknown as { worker: Worker }).worker;
    const pending = index.upsert(vectors(5000, 8, 1000));
    await new Promise((resolve) => setTimeout(resolve, 10));

    // The thread dies of an error thrown at its next message turn, between two insert slices. terminate() from here
    // would race hnswlib: a thread terminated inside addPoint makes the addon's own error throw fatal for the whole
    // process (FATAL napi_throw; it aborted a CI run), so no test, and no code path, terminates it mid-insert.
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage(null);
    await exited;

    await expect(pending).rejects.toMatchObject({ code: 'RAG.INDEX_RELEASED' });
    expect(sut.ready('tenant-a')).toBeNull();
    const reopened = await open({ expected: { kbVersion: 1, checksum: 'w' } });
    expect((await sut.status('tenant-a'))?.lastOpen?.source).toBe('disk');
    expect((await reopened.search(rows[2].vector, 1))[0].label).toBe(2);
  });

  it('refuses a tenant id that could escape the data directory', async () => {
    await expect(sut.forTenant('../etc', { modelId: MODEL, dimension: DIM, loader })).rejects.toMatchObject({
      code: 'RAG.INVALID_TENANT_PATH',
    });
    expect(loader).not.toHaveBeenCalled();
  });
});
