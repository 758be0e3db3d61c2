import type { SessionState } from 'src/conversation/session-state';
import { SessionStore, sessionKey } from 'src/session/session-store.port';

/**
 * The embedded single-instance default (no REDIS_URL). Same contract as Redis: TTL refreshed on write,
 * turns on one session serialized, here by chaining them on a per-session promise.
 */
export class MemorySessionStore extends SessionStore {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private writesSincePrune = 0;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get(businessId: string, sessionId: string): Promise<SessionState | null> {
    const key = sessionKey(businessId, sessionId);
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(null);
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return Promise.resolve(null);
    }
    // Stored as JSON so callers never share a mutable object with the store, exactly like Redis.
    return Promise.resolve(JSON.parse(entry.json) as SessionState);
  }

  save(state: SessionState): Promise<void> {
    this.entries.set(sessionKey(state.businessId, state.sessionId), {
      json: JSON.stringify(state),
      expiresAt: this.now() + this.ttlSeconds * 1000,
    });
    if (++this.writesSincePrune >= 1000) this.prune();
    return Promise.resolve();
  }

  delete(businessId: string, sessionId: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(sessionKey(businessId, sessionId)));
  }

  deleteAllForTenant(businessId: string): Promise<number> {
    const prefix = sessionKey(businessId, '');
    let removed = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix)) removed += this.entries.delete(key) ? 1 : 0;
    }
    return Promise.resolve(removed);
  }

  async withLock<T>(businessId: string, sessionId: string, fn: () => Promise<T>): Promise<T> {
    const key = sessionKey(businessId, sessionId);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
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

  private prune(): void {
    this.writesSincePrune = 0;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
