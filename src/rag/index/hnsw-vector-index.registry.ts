import { Logger } from '@nestjs/common';
import { HierarchicalNSW } from 'hnswlib-node';

import { HnswVectorIndex } from 'src/rag/index/hnsw-vector-index';
import { IndexFiles, UnusableReason } from 'src/rag/index/index-files';
import { indexesRoot } from 'src/rag/index/index-paths';
import { OpenVectorIndexOptions, VectorIndex, VectorIndexRegistry, VectorIndexStatus } from 'src/rag/vector-index.port';

/** What happened on the last open of a tenant's index; exposed for health reporting and tests. */
export interface IndexOpenReport {
  source: 'cache' | 'disk' | 'rebuilt';
  reason?: UnusableReason;
  at: Date;
}

/**
 * One HNSW index per tenant, cached in memory and persisted under DATA_DIR/indexes/<businessId>/. Opens are de-duplicated per
 * tenant, so a burst of first searches loads or rebuilds once. A cached index whose model, dimension or state differs
 * from what the caller expects is reopened, which re-verifies the disk and rebuilds when the file is not current.
 */
export class HnswVectorIndexRegistry extends VectorIndexRegistry {
  private readonly logger = new Logger('VectorIndexRegistry');
  private readonly root: string;
  private readonly open = new Map<string, Promise<HnswVectorIndex>>();
  private readonly reports = new Map<string, IndexOpenReport>();

  /**
   * @param maxCachedTenants indexes kept in memory; the least recently used beyond it are forgotten (their verified
   * files reopen in milliseconds), so memory follows active tenants rather than every tenant ever served.
   */
  constructor(
    dataDir: string,
    private readonly maxCachedTenants = 200,
  ) {
    super();
    this.root = indexesRoot(dataDir);
  }

  async forTenant(businessId: string, options: OpenVectorIndexOptions): Promise<VectorIndex> {
    const files = this.filesFor(businessId);
    const pending = this.open.get(businessId);
    if (pending) {
      const cached = await pending.catch(() => null);
      if (cached && this.open.get(businessId) === pending && matches(cached, options)) {
        this.reports.set(businessId, { source: 'cache', at: new Date() });
        this.touch(businessId, pending);
        return cached;
      }
      // Another caller may have replaced the entry while we awaited; only evict what we looked at.
      if (this.open.get(businessId) === pending) this.open.delete(businessId);
      else return this.forTenant(businessId, options);
    }
    const opening = this.load(businessId, files, options);
    this.open.set(businessId, opening);
    this.evictBeyondCapacity();
    opening.catch(() => {
      if (this.open.get(businessId) === opening) this.open.delete(businessId);
    });
    return opening;
  }

  /** Map order is insertion order: re-inserting marks the tenant most recently used. */
  private touch(businessId: string, entry: Promise<HnswVectorIndex>): void {
    this.open.delete(businessId);
    this.open.set(businessId, entry);
  }

  private evictBeyondCapacity(): void {
    // An evicted index stays valid for whoever holds it; its next commit still lands on disk.
    for (const businessId of this.open.keys()) {
      if (this.open.size <= this.maxCachedTenants) return;
      this.open.delete(businessId);
      this.reports.delete(businessId);
    }
  }

  invalidate(businessId: string): Promise<void> {
    this.open.delete(businessId);
    return Promise.resolve();
  }

  async drop(businessId: string): Promise<void> {
    const files = this.filesFor(businessId);
    const pending = this.open.get(businessId);
    this.open.delete(businessId);
    this.reports.delete(businessId);
    const index = pending ? await pending.catch(() => null) : null;
    if (index) await index.settle();
    await files.remove();
  }

  async status(businessId: string): Promise<VectorIndexStatus | null> {
    const pending = this.open.get(businessId);
    const index = pending ? await pending.catch(() => null) : null;
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

  private async load(businessId: string, files: IndexFiles, options: OpenVectorIndexOptions): Promise<HnswVectorIndex> {
    const verified = await files.verify(options.modelId, options.dimension, options.expected);
    if (verified.ok) {
      const native = new HierarchicalNSW('cosine', options.dimension);
      try {
        await native.readIndex(files.indexPath);
        const index = HnswVectorIndex.fromDisk(businessId, native, verified.meta, files, options.loader);
        if (index.size === verified.meta.elementCount) {
          this.reports.set(businessId, { source: 'disk', at: new Date() });
          return index;
        }
      } catch {
        // Falls through to a rebuild: the hash matched but hnswlib still refused the file (e.g. another version).
      }
      return this.rebuild(businessId, files, options, 'corrupt');
    }
    return this.rebuild(businessId, files, options, verified.reason);
  }

  private async rebuild(
    businessId: string,
    files: IndexFiles,
    options: OpenVectorIndexOptions,
    reason: UnusableReason,
  ): Promise<HnswVectorIndex> {
    const started = Date.now();
    const state = options.expected ?? { kbVersion: null, checksum: '' };
    const index = await HnswVectorIndex.build(
      businessId,
      options.modelId,
      options.dimension,
      files,
      options.loader,
      state,
    );
    const event = { event: 'vector_index_rebuilt', businessId, reason, vectors: index.size, ms: Date.now() - started };
    if (reason === 'missing') this.logger.log(event);
    else this.logger.warn(event);
    this.reports.set(businessId, { source: 'rebuilt', reason, at: new Date() });
    return index;
  }

  private filesFor(businessId: string): IndexFiles {
    return new IndexFiles(this.root, businessId);
  }
}

function matches(index: VectorIndex, options: OpenVectorIndexOptions): boolean {
  if (index.modelId !== options.modelId || index.dimension !== options.dimension) return false;
  if (!options.expected) return true;
  const { kbVersion, checksum } = index.state;
  return kbVersion === options.expected.kbVersion && checksum === options.expected.checksum;
}
