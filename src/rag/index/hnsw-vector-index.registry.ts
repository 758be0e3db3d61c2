import { Logger, OnApplicationShutdown } from '@nestjs/common';

import { IndexFiles, UnusableReason } from 'src/rag/index/index-files';
import { indexesRoot, tenantIndexDir } from 'src/rag/index/index-paths';
import { IndexWorkerClient } from 'src/rag/index/index-worker.client';
import { IndexLocation, WorkerVectorIndex } from 'src/rag/index/worker-vector-index';
import { OpenVectorIndexOptions, VectorIndex, VectorIndexRegistry, VectorIndexStatus } from 'src/rag/vector-index.port';

/** What happened on the last open of a tenant's index; exposed for health reporting and tests. */
export interface IndexOpenReport {
  source: 'cache' | 'disk' | 'rebuilt';
  reason?: UnusableReason;
  at: Date;
}

interface Entry {
  opening: Promise<WorkerVectorIndex>;
  /** Set once the open settled: only then does the index count against the budget or serve `ready`. */
  index: WorkerVectorIndex | null;
}

const MIB = 1024 * 1024;

/**
 * One HNSW index per tenant, persisted under DATA_DIR/indexes/<businessId>/ and held in memory by one index worker
 * thread (index.worker.ts), never by this thread.
 *
 * Why a worker that keeps the indexes (rather than building files in a worker and loading them here): a 100k-vector
 * build is minutes of native inserts, and so are the incremental upserts after a large ingestion and the compaction
 * after large deletions; hnswlib offers no way to spread those over event-loop turns, and loading a file here would
 * still leave every later mutation on this thread. Searches therefore cross a MessagePort: about 0.1 ms of added
 * latency when the worker is idle (bench:rag's searchP50Ms is measured through it), and at most one build slice
 * (~4 ms) more while another tenant's index is being built.
 *
 * Opens are de-duplicated per tenant, so a burst of first searches loads or rebuilds once. A cached index whose model,
 * dimension or state differs from what the caller expects is reopened, which re-verifies the disk (the file's hash is
 * computed in the worker) and rebuilds when the file is not current. Memory is bounded by bytes: when the estimated
 * native size of the loaded indexes exceeds the budget, the least recently used ones are freed (their verified files
 * reopen without a rebuild); an index larger than the whole budget is still served, alone.
 */
export class HnswVectorIndexRegistry extends VectorIndexRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger('VectorIndexRegistry');
  private readonly root: string;
  /** Map order is recency order: a use re-inserts the tenant at the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly reports = new Map<string, IndexOpenReport>();
  /** Frees the worker's copy of an index nobody references any more (one replaced while a caller still held it). */
  private readonly orphans: FinalizationRegistry<number>;

  /**
   * @param maxBytes estimated native bytes of all loaded indexes together (KB_INDEX_CACHE_MB).
   * @param client the index worker; tests share one between registries to start a single thread.
   */
  constructor(
    dataDir: string,
    private readonly maxBytes = 1024 * MIB,
    private readonly client = new IndexWorkerClient(),
  ) {
    super();
    this.root = indexesRoot(dataDir);
    this.orphans = new FinalizationRegistry((handle) => this.client.discard(handle));
    // A lost worker took every native index with it: forget them all, the next use reopens from disk.
    client.onLost(() => {
      this.entries.clear();
      this.reports.clear();
    });
  }

  async forTenant(businessId: string, options: OpenVectorIndexOptions): Promise<VectorIndex> {
    const location = this.locate(businessId);
    const existing = this.entries.get(businessId);
    if (existing) {
      const cached = await existing.opening.catch(() => null);
      if (cached && this.entries.get(businessId) === existing && cached.ready && matches(cached, options)) {
        this.reports.set(businessId, { source: 'cache', at: new Date() });
        this.touch(businessId, existing);
        return cached;
      }
      // Another caller may have replaced the entry while we awaited; only evict what we looked at.
      if (this.entries.get(businessId) !== existing) return this.forTenant(businessId, options);
      this.entries.delete(businessId);
      void cached?.release();
    }
    const entry: Entry = { opening: this.load(location, options), index: null };
    this.entries.set(businessId, entry);
    entry.opening.then(
      (index) => {
        if (this.entries.get(businessId) !== entry) return;
        entry.index = index;
        this.enforceBudget(businessId);
      },
      () => {
        if (this.entries.get(businessId) === entry) this.entries.delete(businessId);
      },
    );
    return entry.opening;
  }

  ready(businessId: string): VectorIndex | null {
    const entry = this.entries.get(businessId);
    if (!entry?.index?.ready) return null;
    this.touch(businessId, entry);
    return entry.index;
  }

  invalidate(businessId: string): Promise<void> {
    const entry = this.entries.get(businessId);
    this.entries.delete(businessId);
    // An open still running is left to its caller; once nobody holds it, the finalizer frees it.
    return entry?.index ? entry.index.release() : Promise.resolve();
  }

  async drop(businessId: string): Promise<void> {
    const location = this.locate(businessId);
    const entry = this.entries.get(businessId);
    this.entries.delete(businessId);
    this.reports.delete(businessId);
    const index = entry ? await entry.opening.catch(() => null) : null;
    if (index) await index.release();
    await new IndexFiles(location.root, businessId).remove();
  }

  async status(businessId: string): Promise<VectorIndexStatus | null> {
    const entry = this.entries.get(businessId);
    const index = entry ? await entry.opening.catch(() => null) : null;
    if (!index) return null;
    return {
      modelId: index.modelId,
      dimension: index.dimension,
      vectors: index.size,
      capacity: index.capacity,
      state: index.state,
      lastOpen: this.reports.get(businessId) ?? null,
      lastPersistedAt: index.lastPersistedAt,
    };
  }

  /** Estimated native bytes of the indexes loaded now (what KB_INDEX_CACHE_MB bounds). */
  get cachedBytes(): number {
    let total = 0;
    for (const { index } of this.entries.values()) total += index?.bytes ?? 0;
    return total;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  private touch(businessId: string, entry: Entry): void {
    this.entries.delete(businessId);
    this.entries.set(businessId, entry);
  }

  /** Frees least recently used indexes until the loaded ones fit; `keep` (the one just used) is never chosen. */
  private enforceBudget(keep: string): void {
    let total = this.cachedBytes;
    for (const [businessId, entry] of this.entries) {
      if (total <= this.maxBytes) return;
      if (businessId === keep || !entry.index) continue;
      this.entries.delete(businessId);
      total -= entry.index.bytes;
      this.logger.log({ event: 'vector_index_evicted', businessId, bytes: entry.index.bytes, cachedBytes: total });
      void entry.index.release();
    }
  }

  private async load(location: IndexLocation, options: OpenVectorIndexOptions): Promise<WorkerVectorIndex> {
    const handle = this.client.allocateHandle();
    const opened = await this.client.request({
      op: 'open',
      handle,
      ...location,
      modelId: options.modelId,
      dimension: options.dimension,
      expected: options.expected,
    });
    if (opened.ok) {
      this.reports.set(location.businessId, { source: 'disk', at: new Date() });
      return this.wrap(handle, location, options, opened);
    }
    return this.rebuild(handle, location, options, opened.reason);
  }

  private async rebuild(
    handle: number,
    location: IndexLocation,
    options: OpenVectorIndexOptions,
    reason: UnusableReason,
  ): Promise<WorkerVectorIndex> {
    const started = Date.now();
    const state = options.expected ?? { kbVersion: null, checksum: '' };
    const info = await this.client.request({ op: 'create', handle, dimension: options.dimension });
    const index = this.wrap(handle, location, options, { info, state: { kbVersion: null, checksum: '' } });
    try {
      await index.fill();
      await index.persist(state);
    } catch (err) {
      await index.release();
      throw err;
    }
    const { businessId } = location;
    const event = { event: 'vector_index_rebuilt', businessId, reason, vectors: index.size, ms: Date.now() - started };
    if (reason === 'missing') this.logger.log(event);
    else this.logger.warn(event);
    this.reports.set(businessId, { source: 'rebuilt', reason, at: new Date() });
    return index;
  }

  private wrap(
    handle: number,
    location: IndexLocation,
    options: OpenVectorIndexOptions,
    opened: ConstructorParameters<typeof WorkerVectorIndex>[6],
  ): WorkerVectorIndex {
    const index = new WorkerVectorIndex(
      this.client,
      handle,
      location,
      options.modelId,
      options.dimension,
      options.loader,
      opened,
      () => this.enforceBudget(location.businessId),
    );
    this.orphans.register(index, handle);
    return index;
  }

  /** Validates the id as a folder name before anything reaches the worker or the disk. */
  private locate(businessId: string): IndexLocation {
    tenantIndexDir(this.root, businessId);
    return { root: this.root, businessId };
  }
}

function matches(index: VectorIndex, options: OpenVectorIndexOptions): boolean {
  if (index.modelId !== options.modelId || index.dimension !== options.dimension) return false;
  if (!options.expected) return true;
  const { kbVersion, checksum } = index.state;
  return kbVersion === options.expected.kbVersion && checksum === options.expected.checksum;
}
