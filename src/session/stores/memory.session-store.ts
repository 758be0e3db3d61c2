import { TtlCache } from 'src/common/cache/ttl-cache';
import type { SessionState } from 'src/conversation/session-state';
import { type HeldLock, sessionKey, SessionStore } from 'src/session/session-store.port';

/**
 * Bounds memory on a single instance: past this many live sessions the least recently used one is dropped, as
 * Redis would under `maxmemory` with an LRU policy. Far above what one instance serves within a session TTL.
 */
const MAX_SESSIONS = 200_000;

/**
 * The embedded single-instance default (no REDIS_URL). Same contract as Redis: TTL refreshed on write,
 * turns on one session serialized, here by chaining them on a per-session promise.
 */
export class MemorySessionStore extends SessionStore {
  /** Stored as JSON so callers never share a mutable object with the store, exactly like Redis. */
  private readonly entries: TtlCache<string, string>;
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(ttlSeconds: number, now?: () => number) {
    super();
    this.entries = new TtlCache({ ttlMs: ttlSeconds * 1000, max: MAX_SESSIONS, now });
  }

  get(businessId: string, sessionId: string): Promise<SessionState | null> {
    const json = this.entries.get(sessionKey(businessId, sessionId));
    return Promise.resolve(json === undefined ? null : (JSON.parse(json) as SessionState));
  }

  save(state: SessionState): Promise<void> {
    this.entries.set(sessionKey(state.businessId, state.sessionId), JSON.stringify(state));
    return Promise.resolve();
  }

  delete(businessId: string, sessionId: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(sessionKey(businessId, sessionId)));
  }

  deleteAllForTenant(businessId: string): Promise<number> {
    const prefix = sessionKey(businessId, '');
    return Promise.resolve(this.entries.deleteWhere((_json, key) => key.startsWith(prefix)));
  }

  async withLock<T>(businessId: string, sessionId: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    const key = sessionKey(businessId, sessionId);
    const lock: HeldLock = {
      waited: this.tails.has(key),
      load: () => this.get(businessId, sessionId),
      save: (state) => this.save(state),
    };
    const previous = this.tails.get(key) ?? Promise.resolve();
    const section = () => fn(lock);
    const run = previous.then(section, section);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
