import { TtlCache } from 'src/common/cache/ttl-cache';
import type { ActiveVersion } from 'src/rag/storage/kb-version.repository';

/** Past this many tenants on one instance, the least recently searched re-read their version when next needed. */
const MAX_ENTRIES = 50_000;

interface Read {
  /** The invalidation generation the read started in: a later generation must not use what it returns. */
  generation: number;
  promise: Promise<ActiveVersion | null>;
}

/**
 * Each tenant's active knowledge-base version (or "none"), so a chat turn does not read kb_versions every time.
 * Version notices invalidate an entry at once (on every instance); the TTL only bounds how long a lost notice
 * (Redis reconnecting, a failed publish) could leave an instance on an older version.
 *
 * Concurrent reads of one tenant share one query: an expiry (or a notice) under load would otherwise send one per turn
 * in flight. Entries are not read again ahead of their expiry: the e2e tests across instances rely on a change
 * reaching another instance within the TTL only by its notice.
 */
export class ActiveVersionCache {
  private readonly entries: TtlCache<string, ActiveVersion | null>;
  /** Bumped on invalidation, so a read that started before a change cannot store what it read afterwards. */
  private readonly generations = new Map<string, number>();
  private readonly reads = new Map<string, Read>();

  constructor(ttlMs: number, now?: () => number) {
    this.entries = new TtlCache({ ttlMs, max: MAX_ENTRIES, now });
  }

  async get(businessId: string, load: () => Promise<ActiveVersion | null>): Promise<ActiveVersion | null> {
    const hit = this.entries.lookup(businessId);
    return hit ? hit.value : this.read(businessId, load);
  }

  invalidate(businessId: string): void {
    this.entries.delete(businessId);
    this.generations.set(businessId, (this.generations.get(businessId) ?? 0) + 1);
  }

  private read(businessId: string, load: () => Promise<ActiveVersion | null>): Promise<ActiveVersion | null> {
    const generation = this.generations.get(businessId) ?? 0;
    const running = this.reads.get(businessId);
    if (running && running.generation === generation) return running.promise;
    const promise = load().then(
      (value) => {
        if ((this.generations.get(businessId) ?? 0) === generation) this.entries.set(businessId, value);
        this.settle(businessId, promise);
        return value;
      },
      (err: unknown) => {
        this.settle(businessId, promise);
        throw err;
      },
    );
    this.reads.set(businessId, { generation, promise });
    return promise;
  }

  private settle(businessId: string, promise: Promise<ActiveVersion | null>): void {
    if (this.reads.get(businessId)?.promise === promise) this.reads.delete(businessId);
  }
}
