import { TtlCache } from 'src/common/cache/ttl-cache';
import { KeyValueStore } from 'src/redis/key-value-store.port';

/** Bounds memory if values are written faster than they expire; the oldest unread go first. */
const MAX_ENTRIES = 100_000;

/** The single-instance KeyValueStore (no REDIS_URL). */
export class LocalKeyValueStore extends KeyValueStore {
  private readonly entries: TtlCache<string, string>;

  constructor(now?: () => number) {
    super();
    this.entries = new TtlCache({ ttlMs: 60_000, max: MAX_ENTRIES, now });
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, value, ttlSeconds * 1000);
    return Promise.resolve();
  }

  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.entries.has(key)) return Promise.resolve(false);
    this.entries.set(key, value, ttlSeconds * 1000);
    return Promise.resolve(true);
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.entries.get(key) ?? null);
  }

  take(key: string): Promise<string | null> {
    return Promise.resolve(this.entries.take(key) ?? null);
  }
}
