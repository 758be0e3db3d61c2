import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HNSW_PARAMS, type IndexInfo } from 'src/rag/index/hnsw-vector-index';
import { IndexWorkerHandler } from 'src/rag/index/index-worker.handler';
import type { IndexCommand, IndexReplies, OpenResult, SearchResult } from 'src/rag/index/index-worker.protocol';

const DIM = 8;
const MODEL = 'm';

/** Deterministic pseudo-random vectors (mulberry32), flat as the protocol carries them. */
function batch(count: number, seed = 1, firstLabel = 0): { labels: Uint32Array; vectors: Float32Array } {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return {
    labels: Uint32Array.from({ length: count }, (_, i) => firstLabel + i),
    vectors: Float32Array.from({ length: count * DIM }, random),
  };
}

const row = (rows: { vectors: Float32Array }, i: number) => rows.vectors.slice(i * DIM, (i + 1) * DIM);

describe(IndexWorkerHandler.name, () => {
  let root: string;
  let sut: IndexWorkerHandler;
  let nextId = 1;
  const files = { root: '', businessId: 'tenant-a' };

  async function send<C extends IndexCommand>(command: C): Promise<IndexReplies[C['op']]> {
    const reply = await sut.reply({ ...command, id: nextId++ });
    if (!reply.ok) throw Object.assign(new Error(reply.message), { code: reply.code });
    return reply.value as IndexReplies[C['op']];
  }

  const open = (handle: number, expected = { kbVersion: 1, checksum: 'c' }) =>
    send({ op: 'open', handle, ...files, modelId: MODEL, dimension: DIM, expected }) as Promise<OpenResult>;

  async function built(handle: number, count = 40): Promise<ReturnType<typeof batch>> {
    const rows = batch(count);
    await send({ op: 'create', handle, dimension: DIM });
    await send({ op: 'upsert', handle, labels: rows.labels.slice(), vectors: rows.vectors.slice() });
    return rows;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'index-handler-'));
    files.root = root;
    sut = new IndexWorkerHandler();
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('builds, persists, and reopens a verified file under another handle with the state it was written for', async () => {
    const rows = await built(1);
    const persisted = (await send({
      op: 'persist',
      handle: 1,
      ...files,
      modelId: MODEL,
      state: { kbVersion: 1, checksum: 'c' },
    })) as IndexInfo;

    const reopened = await open(2);

    expect(persisted).toMatchObject({ size: 40, capacity: HNSW_PARAMS.initialCapacity });
    expect(reopened).toMatchObject({ ok: true, state: { kbVersion: 1, checksum: 'c' }, info: { size: 40 } });
    const found = (await send({ op: 'search', handle: 2, vector: row(rows, 9), k: 1 })) as SearchResult;
    expect(found.labels).toEqual([9]);
    expect(found.distances[0]).toBeCloseTo(0, 5);
  });

  it('reports why a file cannot be served: missing, stale, or corrupt (by hash, and when hnswlib refuses it)', async () => {
    expect(await open(1)).toEqual({ ok: false, reason: 'missing' });
    await built(1);
    await send({ op: 'persist', handle: 1, ...files, modelId: MODEL, state: { kbVersion: 1, checksum: 'c' } });
    expect(await open(2, { kbVersion: 2, checksum: 'c' })).toEqual({ ok: false, reason: 'stale' });

    const indexPath = join(root, 'tenant-a', 'vectors.hnsw');
    const metaPath = join(root, 'tenant-a', 'vectors.meta.json');
    const bytes = await readFile(indexPath);
    bytes[100] ^= 0xff;
    await writeFile(indexPath, bytes);
    expect(await open(3)).toEqual({ ok: false, reason: 'corrupt' });

    // A file whose recorded hash matches but that hnswlib cannot read (e.g. from another hnswlib version).
    const garbage = Buffer.from('not an hnsw index at all');
    await writeFile(indexPath, garbage);
    const { createHash } = await import('node:crypto');
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
    meta.fileBytes = (await stat(indexPath)).size;
    meta.fileSha256 = createHash('sha256').update(garbage).digest('hex');
    await writeFile(metaPath, JSON.stringify(meta));
    expect(await open(4)).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('searches only among allowed labels and never past the live count', async () => {
    const rows = await built(1, 6);
    await send({ op: 'remove', handle: 1, labels: [0, 99] });

    const all = (await send({ op: 'search', handle: 1, vector: row(rows, 1), k: 100 })) as SearchResult;
    const even = (await send({
      op: 'search',
      handle: 1,
      vector: row(rows, 1),
      k: 5,
      allowed: Uint32Array.from([0, 2, 4]),
    })) as SearchResult;

    expect(all.labels).toHaveLength(5);
    expect([...even.labels].sort()).toEqual([2, 4]);
  });

  it('restores a removed label on upsert, and compacts once deletions outnumber live vectors', async () => {
    const rows = await built(1, 2100);
    await send({ op: 'remove', handle: 1, labels: [5] });
    const restored = (await send({
      op: 'upsert',
      handle: 1,
      labels: Uint32Array.of(5),
      vectors: row(rows, 5),
    })) as IndexInfo;
    expect(restored.size).toBe(2100);

    const compacted = (await send({
      op: 'remove',
      handle: 1,
      labels: Array.from({ length: 1100 }, (_, i) => i),
    })) as IndexInfo;

    expect(compacted).toMatchObject({ size: 1000, capacity: 2048 });
    expect(compacted.bytes).toBeLessThan(restored.bytes);
    const found = (await send({ op: 'search', handle: 1, vector: row(rows, 2000), k: 1 })) as SearchResult;
    expect(found.labels).toEqual([2000]);
  });

  /**
   * Starts an insert large enough to yield to messages several times (slices of a few ms). The outcome is wrapped:
   * an async function returning a bare promise would wait for it.
   */
  async function startLongInsert(handle: number, seed: number): Promise<{ outcome: Promise<string | undefined> }> {
    await send({ op: 'create', handle, dimension: DIM });
    const outcome = send({ op: 'upsert', handle, ...batch(40_000, seed) }).then(
      () => 'finished',
      (err: { code?: string }) => err.code,
    );
    await new Promise((r) => setImmediate(r));
    return { outcome };
  }

  it('stops an insert loop whose index is freed between two of its slices, with the released code', async () => {
    const { outcome } = await startLongInsert(7, 3);
    await send({ op: 'free', handle: 7 });
    expect(await outcome).toBe('RAG.INDEX_RELEASED');
    // The worker carries on with other indexes.
    await send({ op: 'create', handle: 8, dimension: DIM });
    expect((await send({ op: 'upsert', handle: 8, ...batch(10, 4) })).size).toBe(10);
  });

  it('ends an insert loop at its next slice once the worker shuts down, keeping the vectors inserted so far', async () => {
    const { outcome } = await startLongInsert(9, 5);
    sut.shutdown();
    expect(await outcome).toBe('RAG.INDEX_RELEASED');
    // Stopped, not freed (a file write under way on hnswlib's own thread is never raced): what it inserted is there.
    const found = await send({ op: 'search', handle: 9, vector: row(batch(1, 5), 0), k: 1 });
    expect(found.labels).toEqual([0]);
  });

  it('answers coded errors for a wrong dimension and for a freed handle', async () => {
    await built(1);

    await expect(
      send({ op: 'upsert', handle: 1, labels: Uint32Array.of(1), vectors: new Float32Array(DIM + 1) }),
    ).rejects.toMatchObject({ code: 'RAG.INDEX_DIMENSION_MISMATCH' });
    await expect(send({ op: 'search', handle: 1, vector: new Float32Array(DIM - 1), k: 1 })).rejects.toMatchObject({
      code: 'RAG.INDEX_DIMENSION_MISMATCH',
    });
    await send({ op: 'free', handle: 1 });
    await expect(send({ op: 'search', handle: 1, vector: new Float32Array(DIM), k: 1 })).rejects.toMatchObject({
      code: 'RAG.INDEX_RELEASED',
    });
    await expect(
      send({ op: 'persist', handle: 1, ...files, modelId: MODEL, state: { kbVersion: 1, checksum: '' } }),
    ).rejects.toMatchObject({ code: 'RAG.INDEX_RELEASED' });
  });

  it('snapshots the live vectors dimension-major as unit vectors, and declines above the size asked for', async () => {
    const rows = await built(1, 12);
    await send({ op: 'remove', handle: 1, labels: [3] });

    const snapshot = (await send({ op: 'snapshot', handle: 1, maxVectors: 11 }))!;

    expect([...snapshot.labels].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
    const size = snapshot.labels.length;
    snapshot.labels.forEach((label, i) => {
      const stored = Array.from({ length: DIM }, (_, d) => snapshot.columns[d * size + i]);
      const original = Array.from(row(rows, label));
      const norm = Math.hypot(...original);
      stored.forEach((value, d) => expect(value).toBeCloseTo(original[d] / norm, 5));
    });
    expect(await send({ op: 'snapshot', handle: 1, maxVectors: 10 })).toBeNull();
  });
});
