/**
 * Per-tenant approximate nearest-neighbour index (cosine). Postgres stays the source of truth: an index is a cache
 * that can always be rebuilt from the rows the caller's loader returns.
 *
 * Labels are the caller's integer ids for chunks (unsigned 32-bit, unique within a tenant), e.g. a serial column.
 */
export interface VectorRow {
  label: number;
  vector: Float32Array | number[];
}

export interface VectorHit {
  label: number;
  /** Cosine similarity in [-1, 1] (1 = same direction). */
  score: number;
}

/**
 * What the index claims to contain. Compared with what the caller expects when the index is opened: any difference
 * (another kbVersion or checksum) means the file is stale and is rebuilt from the loader instead of being served.
 */
export interface VectorIndexState {
  kbVersion: number | null;
  /** Free-form fingerprint of the rows (e.g. a hash over chunk ids + content hashes); '' when unused. */
  checksum: string;
}

/**
 * Rows for a full rebuild, read from Postgres by the caller (only live chunks of the active version), in batches: a
 * 100k-vector knowledge base is ~300 MB of floats, which must neither sit in memory twice nor be decoded in one
 * event-loop turn.
 */
export type VectorRowLoader = () => AsyncIterable<VectorRow[]>;

export interface OpenVectorIndexOptions {
  modelId: string;
  dimension: number;
  /** Expected state; omit to accept whatever the persisted file says (its model and dimension are still checked). */
  expected?: VectorIndexState;
  loader: VectorRowLoader;
}

export abstract class VectorIndex {
  abstract readonly businessId: string;
  abstract readonly modelId: string;
  abstract readonly dimension: number;
  abstract get state(): VectorIndexState;
  /** Live (not deleted) vectors. */
  abstract get size(): number;
  /** Adds or replaces vectors by label. Serialized with every other mutation of this tenant's index. */
  abstract upsert(rows: VectorRow[]): Promise<void>;
  /** Removes labels from search at once (hnswlib markDelete); unknown labels are ignored. */
  abstract remove(labels: number[]): Promise<void>;
  /** Replaces the whole content with the loader's rows (e.g. after a version rollback) and persists it. */
  abstract rebuild(state: VectorIndexState): Promise<void>;
  /** Records the state the content now matches and writes index + meta to disk atomically. */
  abstract commit(state: VectorIndexState): Promise<void>;
  /**
   * Top-k by cosine similarity, best first. k is clamped to the live count; with `allowed`, only those labels are
   * returned and fewer than k may come back when few of them are close.
   */
  abstract search(vector: Float32Array | number[], k: number, allowed?: ReadonlySet<number>): Promise<VectorHit[]>;
}

/** For the knowledge-base health endpoint: what is loaded in this instance for a tenant. */
export interface VectorIndexStatus {
  modelId: string;
  dimension: number;
  vectors: number;
  capacity: number;
  state: VectorIndexState;
  /** How the index was last opened: from the cache, a verified file, or rebuilt (and why). */
  lastOpen: { source: 'cache' | 'disk' | 'rebuilt'; reason?: string; at: Date } | null;
  /** When the index was last written to disk by this instance, null if never. */
  lastPersistedAt: Date | null;
}

/** Opens and caches one index per tenant (DATA_DIR/indexes/<businessId>/). */
export abstract class VectorIndexRegistry {
  /**
   * The tenant's index: from the cache, else from disk when its meta matches (model, dimension, expected state,
   * file checksum), else rebuilt from `loader` and persisted. Concurrent callers share one open.
   */
  abstract forTenant(businessId: string, options: OpenVectorIndexOptions): Promise<VectorIndex>;
  /** Forget the cached index (another instance bumped the version); the next forTenant re-checks the disk. */
  abstract invalidate(businessId: string): Promise<void>;
  /** Tenant deleted: forget it and delete its files. */
  abstract drop(businessId: string): Promise<void>;
  /** Status of the index cached in this instance; null when none is loaded (call forTenant first). */
  abstract status(businessId: string): Promise<VectorIndexStatus | null>;
  /**
   * The tenant's index if it is loaded and usable right now, without waiting: null while it is opening, being
   * rebuilt, or not loaded at all. Searches use it to fall back to keywords instead of waiting for a build.
   */
  abstract ready(businessId: string): VectorIndex | null;
}
