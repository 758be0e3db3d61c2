import { HierarchicalNSW } from 'hnswlib-node';

import { IndexFiles, IndexMeta } from 'src/rag/index/index-files';
import { RagSearchErrors } from 'src/rag/rag-search.errors';
import type { VectorIndexState } from 'src/rag/vector-index.port';

/**
 * HNSW parameters. M=16 / efConstruction=100 build 100k×768 vectors in 80–160 s on 2 shared cores
 * (efConstruction=200 roughly doubles that). ef=96 at query time: on the clustered synthetic benchmark
 * (bench/rag.bench.ts, 100k vectors) recall@10 is 0.974 at ef=16, 0.9975 at 32 and 1.0 from 64 up, at ~1 ms per
 * query; real embeddings have a higher intrinsic dimension than that synthetic set, so 96 keeps a margin. Tenants'
 * knowledge bases are usually far smaller, where an ef at or above the size makes the search exact.
 */
export const HNSW_PARAMS = { m: 16, efConstruction: 100, ef: 96, initialCapacity: 1024, seed: 100 } as const;

/** Rebuild in memory once deleted slots outnumber live ones (and there are enough to matter). */
const COMPACT_MIN_DELETED = 1000;

/**
 * Longest stretch of native inserts between two yields to the worker's message queue: a search for another tenant
 * (or for this one while an incremental update runs) waits at most about this long behind a build.
 */
const SLICE_MS = 4;

/** What the owning thread needs to know after each operation: sizes for the byte-bounded cache. */
export interface IndexInfo {
  size: number;
  capacity: number;
  bytes: number;
}

/** An index's live vectors, dimension-major: `columns[d * labels.length + i]` is dimension d of `labels[i]`. */
export interface IndexSnapshot {
  labels: Uint32Array;
  columns: Float32Array;
}

/**
 * One tenant's native HNSW index. It lives only inside the index worker thread (index.worker.ts): every native call
 * that scales with the index (addPoint loops, resize, compaction, file hashing) runs there, and long loops yield
 * every few milliseconds so searches queued behind them are answered in between.
 */
export class HnswVectorIndex {
  private index: HierarchicalNSW;
  /**
   * Bumped by `free` and `stop`: a long insert loop yields to messages between slices, and a `free` handled meanwhile
   * (the tenant's index evicted or dropped) replaces the native index under it. The loop checks this after each yield
   * and stops instead of calling hnswlib on the wrong index, whose native error, thrown while the worker thread was
   * being released, aborted the whole process (FATAL napi_throw in `upsert`).
   */
  private generation = 0;
  /** Every label present in the native index, including those marked deleted (hnswlib cannot list those). */
  private labels = new Set<number>();
  private deleted = new Set<number>();

  private constructor(
    readonly dimension: number,
    capacity: number,
  ) {
    this.index = HnswVectorIndex.emptyNative(dimension, capacity);
  }

  static empty(dimension: number): HnswVectorIndex {
    return new HnswVectorIndex(dimension, HNSW_PARAMS.initialCapacity);
  }

  /** Reads an index whose meta and checksum the caller verified; null when hnswlib refuses it or counts differ. */
  static async fromDisk(files: IndexFiles, meta: IndexMeta): Promise<HnswVectorIndex | null> {
    const sut = new HnswVectorIndex(meta.dimension, 1);
    const native = new HierarchicalNSW('cosine', meta.dimension);
    try {
      // Asynchronous in hnswlib-node: the read itself runs on libuv's thread pool.
      await native.readIndex(files.indexPath);
    } catch {
      return null;
    }
    sut.index = native;
    sut.index.setEf(HNSW_PARAMS.ef);
    sut.labels = new Set(native.getIdsList());
    sut.deleted = new Set(meta.deletedLabels);
    return sut.size === meta.elementCount ? sut : null;
  }

  private static emptyNative(dimension: number, capacity: number): HierarchicalNSW {
    const native = new HierarchicalNSW('cosine', dimension);
    native.initIndex({
      maxElements: capacity,
      m: HNSW_PARAMS.m,
      efConstruction: HNSW_PARAMS.efConstruction,
      randomSeed: HNSW_PARAMS.seed,
    });
    native.setEf(HNSW_PARAMS.ef);
    return native;
  }

  get size(): number {
    return this.labels.size - this.deleted.size;
  }

  /**
   * Estimated resident bytes. hnswlib allocates its level-0 block for the full capacity up front: per slot the vector
   * (4 bytes a dimension), 2M+1 link words, the label, a link-list pointer, a level and a mutex; the JS label sets
   * add about 40 bytes per element. Upper levels hold about 1/M of the elements and are left out.
   */
  get info(): IndexInfo {
    const capacity = this.index.getMaxElements();
    const perSlot = 4 * this.dimension + 4 * (2 * HNSW_PARAMS.m + 1) + 8 + 8 + 4 + 40;
    return { size: this.size, capacity, bytes: capacity * perSlot + this.labels.size * 40 };
  }

  async upsert(labels: Uint32Array, vectors: Float32Array): Promise<void> {
    if (vectors.length !== labels.length * this.dimension)
      throw RagSearchErrors.dimensionMismatch(this.dimension, vectors.length / Math.max(labels.length, 1));
    let incoming = 0;
    for (const label of labels) if (!this.labels.has(label)) incoming++;
    this.ensureCapacity(incoming);
    const generation = this.generation;
    let sliceStart = performance.now();
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (this.deleted.has(label)) {
        this.index.unmarkDelete(label);
        this.deleted.delete(label);
      }
      // On an existing label hnswlib updates the vector and repairs its links in place.
      this.index.addPoint(Array.from(vectors.subarray(i * this.dimension, (i + 1) * this.dimension)), label);
      this.labels.add(label);
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToMessages();
        if (this.generation !== generation) throw RagSearchErrors.indexReleased();
        sliceStart = performance.now();
      }
    }
  }

  async remove(labels: number[]): Promise<void> {
    for (const label of labels) {
      if (!this.labels.has(label) || this.deleted.has(label)) continue;
      this.index.markDelete(label);
      this.deleted.add(label);
    }
    if (this.deleted.size >= COMPACT_MIN_DELETED && this.deleted.size > this.size) await this.compact();
  }

  search(vector: Float32Array, k: number, allowed?: Uint32Array): { labels: number[]; distances: number[] } {
    if (vector.length !== this.dimension) throw RagSearchErrors.dimensionMismatch(this.dimension, vector.length);
    const limit = Math.min(Math.max(0, Math.floor(k)), this.size);
    if (limit === 0) return { labels: [], distances: [] };
    const permitted = allowed ? new Set(allowed) : null;
    const result = this.index.searchKnn(
      Array.from(vector),
      limit,
      permitted ? (label) => permitted.has(label) : undefined,
    );
    return { labels: result.neighbors, distances: result.distances };
  }

  /**
   * The live vectors, dimension-major (`columns[d * size + i]` for `labels[i]`), for the owning thread to search small
   * indexes itself (see VectorSnapshot); null above `maxVectors`. Transposed here, not there, so the event loop only
   * receives the buffers.
   */
  snapshot(maxVectors: number): IndexSnapshot | null {
    if (this.size > maxVectors) return null;
    const labels = Uint32Array.from([...this.labels].filter((label) => !this.deleted.has(label)));
    const size = labels.length;
    const columns = new Float32Array(size * this.dimension);
    // In the cosine space hnswlib stores unit vectors, so these are ready for dot products.
    labels.forEach((label, i) => {
      const point = this.index.getPoint(label);
      for (let d = 0; d < this.dimension; d++) columns[d * size + i] = point[d];
    });
    return { labels, columns };
  }

  async persist(files: IndexFiles, modelId: string, state: VectorIndexState): Promise<void> {
    await files.write(this.index, {
      modelId,
      dimension: this.dimension,
      kbVersion: state.kbVersion,
      checksum: state.checksum,
      elementCount: this.size,
      deletedLabels: [...this.deleted],
    });
  }

  /**
   * Ends any insert loop at its next slice and lets a file write already under way finish, touching no native state
   * (freeing here could race hnswlib's write on its own thread), so the thread can end without being terminated.
   */
  stop(): void {
    this.generation++;
  }

  /**
   * Releases the native memory now: re-initialising drops hnswlib's allocation at once, where waiting for the
   * garbage collector could keep hundreds of megabytes that V8 does not know about alive for minutes.
   */
  free(): void {
    this.generation++;
    this.index.initIndex({ maxElements: 1, m: HNSW_PARAMS.m });
    this.labels = new Set();
    this.deleted = new Set();
  }

  /** Doubles capacity before an insert would overflow it, instead of failing mid-batch. */
  private ensureCapacity(incoming: number): void {
    const needed = this.index.getCurrentCount() + incoming;
    let capacity = this.index.getMaxElements();
    if (needed <= capacity) return;
    while (capacity < needed) capacity *= 2;
    this.index.resizeIndex(capacity);
  }

  private async compact(): Promise<void> {
    const live = [...this.labels].filter((label) => !this.deleted.has(label));
    const labels = Uint32Array.from(live);
    const vectors = new Float32Array(live.length * this.dimension);
    // Stored vectors are already unit length in the cosine space, so re-adding them is lossless.
    live.forEach((label, i) => vectors.set(this.index.getPoint(label), i * this.dimension));
    this.free();
    this.index = HnswVectorIndex.emptyNative(this.dimension, capacityFor(live.length));
    await this.upsert(labels, vectors);
  }
}

/** Power of two with 25% headroom, so the first inserts after a build do not trigger a resize. */
function capacityFor(n: number): number {
  return Math.max(HNSW_PARAMS.initialCapacity, n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n * 1.25)));
}

function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
