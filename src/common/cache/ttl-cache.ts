import { LRUCache } from 'lru-cache';

export interface TtlCacheOptions {
  ttlMs: number;
  /** Entries kept at most; the least recently used go first. Every cache is bounded, keys are often caller-chosen. */
  max: number;
  /** The clock, in milliseconds; injectable so tests move time instead of waiting. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * The platform's one in-process cache with expiry: bounded by lru-cache, typed, and able to hold `null` (a
 * remembered "none"). An entry is gone once `now >= set time + ttl`. Expiry is checked here rather than with
 * lru-cache's own `ttl`, which reuses a clock reading for a millisecond of real time and treats a start time of 0
 * as "never expires": both wrong with an injected clock.
 */
export class TtlCache<K extends NonNullable<unknown>, V> {
  private readonly entries: LRUCache<K, Entry<V>>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: TtlCacheOptions) {
    this.entries = new LRUCache<K, Entry<V>>({ max: options.max });
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** The live entry, boxed, so a cached `null` or `undefined` is told apart from a miss. */
  lookup(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  get(key: K): V | undefined {
    return this.lookup(key)?.value;
  }

  has(key: K): boolean {
    return this.lookup(key) !== undefined;
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Reads and removes in one step: a one-time value can be used once. */
  take(key: K): V | undefined {
    const hit = this.lookup(key);
    this.entries.delete(key);
    return hit?.value;
  }

  /** Whether an entry was there, live or not yet swept. */
  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Drops every entry that matches, e.g. all cached keys of one tenant; returns how many went. */
  deleteWhere(matches: (value: V, key: K) => boolean): number {
    let removed = 0;
    for (const [key, entry] of [...this.entries.entries()]) {
      if (matches(entry.value, key) && this.entries.delete(key)) removed++;
    }
    return removed;
  }
}
