import { TtlCache } from 'src/common/cache/ttl-cache';
import type { ActiveVersion } from 'src/rag/storage/kb-version.repository';

/** Past this many tenants on one instance, the least recently searched re-read their version when next needed. */
const MAX_ENTRIES = 50_000;

/**
 * Each tenant's active knowledge-base version (or "none"), so a chat turn does not read kb_versions every time.
 * Version notices invalidate an entry at once (on every instance); the TTL only bounds how long a lost notice
 * (Redis reconnecting, a failed publish) could leave an instance on an older version.
 */
export class ActiveVersionCache {
  private readonly entries: TtlCache<string, ActiveVersion | null>;
  /** Bumped on invalidation, so a read that started before a change cannot store what it read afterwards. */
  private readonly generations = new Map<string, number>();

  constructor(ttlMs: number, now?: () => number) {
    this.entries = new TtlCache({ ttlMs, max: MAX_ENTRIES, now });
  }

  async get(businessId: string, load: () => Promise<ActiveVersion | null>): Promise<ActiveVersion | null> {
    const hit = this.entries.lookup(businessId);
    if (hit) return hit.value;
    const generation = this.generations.get(businessId) ?? 0;
    const value = await load();
    if ((this.generations.get(businessId) ?? 0) === generation) {
      this.entries.set(businessId, value);
    }
    return value;
  }

  invalidate(businessId: string): void {
    this.entries.delete(businessId);
    this.generations.set(businessId, (this.generations.get(businessId) ?? 0) + 1);
  }
}
