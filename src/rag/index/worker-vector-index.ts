import { setImmediate as nextTurn } from 'node:timers/promises';

import type { IndexInfo } from 'src/rag/index/hnsw-vector-index';
import type { IndexWorkerClient } from 'src/rag/index/index-worker.client';
import { nonZeroDimensions, scanFits, SNAPSHOT_MAX_VECTORS, VectorSnapshot } from 'src/rag/index/vector-snapshot';
import { RagSearchErrors } from 'src/rag/rag-search.errors';
import { VectorHit, VectorIndex, VectorIndexState, VectorRow, VectorRowLoader } from 'src/rag/vector-index.port';

/**
 * Rows per message: ~3 MB of 768-dimension vectors, packed in about a millisecond on the calling thread, and the unit
 * the worker's progress is awaited in (so a rebuild never holds more than one batch in flight).
 */
const BATCH_ROWS = 1000;

/** Where the tenant's files are, as the worker's IndexFiles needs them. */
export interface IndexLocation {
  root: string;
  businessId: string;
}

/**
 * This thread's view of one tenant's index held by the index worker. Mutations are serialized here (the worker then
 * sees at most one per index at a time); searches are sent at once and answered between the worker's build slices.
 * Size and memory figures are those of the worker's last reply.
 *
 * A small index is also searched here, exactly, from a snapshot of its vectors (see VectorSnapshot) when the query is
 * sparse enough for the scan to cost less than the round trip to the worker. The snapshot is taken in the queue of
 * mutations, so it matches the worker's content at that point; any mutation drops it, and the next search that could
 * use one asks for a fresh one (searches meanwhile go to the worker).
 */
export class WorkerVectorIndex extends VectorIndex {
  private currentState: VectorIndexState;
  private currentInfo: IndexInfo;
  private queue: Promise<unknown> = Promise.resolve();
  private persistedAt: Date | null = null;
  private released = false;
  /** True while the whole content is being replaced: the index then answers for no state at all. */
  private replacing = false;
  private snapshot: VectorSnapshot | null = null;
  /** Bumped by every mutation queued, so a snapshot taken before one of them is never kept. */
  private contentGeneration = 0;
  private snapshotRequested = false;

  constructor(
    private readonly client: IndexWorkerClient,
    private readonly handle: number,
    private readonly location: IndexLocation,
    readonly modelId: string,
    readonly dimension: number,
    private readonly loader: VectorRowLoader,
    opened: { state: VectorIndexState; info: IndexInfo },
    private readonly onResize: () => void,
  ) {
    super();
    this.currentState = { ...opened.state };
    this.currentInfo = opened.info;
  }

  get businessId(): string {
    return this.location.businessId;
  }

  get state(): VectorIndexState {
    return { ...this.currentState };
  }

  get size(): number {
    return this.currentInfo.size;
  }

  get capacity(): number {
    return this.currentInfo.capacity;
  }

  /** Estimated native bytes of this index, in the worker and its snapshot here (what the registry's budget counts). */
  get bytes(): number {
    return this.currentInfo.bytes + (this.snapshot?.bytes ?? 0);
  }

  get lastPersistedAt(): Date | null {
    return this.persistedAt;
  }

  /** Usable for searches: not released and not in the middle of a full rebuild. */
  get ready(): boolean {
    return !this.released && !this.replacing;
  }

  upsert(rows: VectorRow[]): Promise<void> {
    return this.mutation(() => this.send(rows));
  }

  remove(labels: number[]): Promise<void> {
    return this.mutation(async () => {
      this.track(await this.client.request({ op: 'remove', handle: this.handle, labels }));
    });
  }

  rebuild(state: VectorIndexState): Promise<void> {
    return this.mutation(async () => {
      this.replacing = true;
      try {
        this.track(await this.client.request({ op: 'free', handle: this.handle }).then(() => this.create()));
        await this.fill();
        await this.persist(state);
      } finally {
        this.replacing = false;
      }
    });
  }

  commit(state: VectorIndexState): Promise<void> {
    return this.serialized(() => this.persist(state));
  }

  async search(vector: Float32Array | number[], k: number, allowed?: ReadonlySet<number>): Promise<VectorHit[]> {
    if (vector.length !== this.dimension) throw RagSearchErrors.dimensionMismatch(this.dimension, vector.length);
    if (this.released) throw RagSearchErrors.indexReleased();
    const limit = Math.min(Math.max(0, Math.floor(k)), this.size);
    if (limit === 0 || allowed?.size === 0) return [];
    const scanned = this.snapshot?.search(vector, limit, allowed);
    if (scanned) return scanned;
    if (!this.snapshot && scanFits(nonZeroDimensions(vector), this.size)) this.requestSnapshot();
    const query = Float32Array.from(vector);
    const permitted = allowed ? Uint32Array.from(allowed) : undefined;
    const result = await this.client.request(
      { op: 'search', handle: this.handle, vector: query, k: limit, allowed: permitted },
      permitted ? [query.buffer, permitted.buffer] : [query.buffer],
    );
    // hnswlib's cosine space returns distance = 1 - cosine similarity.
    return result.labels.map((label, i) => ({ label, score: 1 - result.distances[i] }));
  }

  /** Fills a freshly created index from the loader (the registry's rebuild path). */
  fill(): Promise<void> {
    this.dropSnapshot();
    return this.sendAll(this.loader());
  }

  persist(state: VectorIndexState): Promise<void> {
    return this.client
      .request({ op: 'persist', handle: this.handle, ...this.location, modelId: this.modelId, state })
      .then((info) => {
        this.track(info);
        this.currentState = { ...state };
        this.persistedAt = new Date();
      });
  }

  /**
   * Frees the worker's native memory once the mutations already queued are done; any later call fails with
   * RAG.INDEX_RELEASED (searches then fall back to keywords, index syncs retry through the registry).
   */
  release(): Promise<void> {
    if (this.released) return Promise.resolve();
    this.released = true;
    // Not reported as a resize: the registry releases an index it has already let go of, and a report would run its
    // eviction again from inside the eviction, with this index as the one to keep (the one just opened went instead).
    this.discardSnapshot();
    const run = this.queue.then(() => this.client.request({ op: 'free', handle: this.handle }));
    this.queue = run.catch(() => undefined);
    return run.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Waits for queued mutations; used by the registry before dropping files. */
  settle(): Promise<void> {
    return this.serialized(() => undefined);
  }

  private create(): Promise<IndexInfo> {
    return this.client.request({ op: 'create', handle: this.handle, dimension: this.dimension });
  }

  private async sendAll(batches: AsyncIterable<VectorRow[]>): Promise<void> {
    for await (const rows of batches) await this.send(rows);
  }

  private async send(rows: VectorRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      if (start > 0) await nextTurn();
      const batch = rows.slice(start, start + BATCH_ROWS);
      const labels = new Uint32Array(batch.length);
      const vectors = new Float32Array(batch.length * this.dimension);
      batch.forEach((row, i) => {
        if (row.vector.length !== this.dimension)
          throw RagSearchErrors.dimensionMismatch(this.dimension, row.vector.length);
        labels[i] = row.label;
        vectors.set(row.vector, i * this.dimension);
      });
      this.track(
        await this.client.request({ op: 'upsert', handle: this.handle, labels, vectors }, [
          labels.buffer,
          vectors.buffer,
        ]),
      );
    }
  }

  private track(info: IndexInfo): void {
    const resized = info.bytes !== this.currentInfo.bytes;
    this.currentInfo = info;
    if (resized) this.onResize();
  }

  /** Takes a snapshot once the mutations queued before it are done; searches go to the worker meanwhile. */
  private requestSnapshot(): void {
    if (this.snapshotRequested) return;
    this.snapshotRequested = true;
    const generation = this.contentGeneration;
    this.serialized(() =>
      this.client.request({ op: 'snapshot', handle: this.handle, maxVectors: SNAPSHOT_MAX_VECTORS }),
    )
      .then((taken) => {
        // A mutation queued since, or a release: what was taken may no longer be the content.
        if (!taken || this.released || this.contentGeneration !== generation) return;
        this.snapshot = new VectorSnapshot(taken.labels, taken.columns, this.dimension);
        this.onResize();
      })
      .catch(() => undefined)
      .finally(() => {
        this.snapshotRequested = false;
      });
  }

  private dropSnapshot(): void {
    if (this.discardSnapshot()) this.onResize();
  }

  /** Forgets the snapshot, and any being taken; true when one was held. */
  private discardSnapshot(): boolean {
    this.contentGeneration++;
    const held = this.snapshot !== null;
    this.snapshot = null;
    return held;
  }

  /** A change of content: the snapshot no longer matches from the moment it is queued. */
  private mutation<T>(task: () => Promise<T>): Promise<T> {
    this.dropSnapshot();
    return this.serialized(task);
  }

  private serialized<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.released) return Promise.reject(RagSearchErrors.indexReleased());
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
