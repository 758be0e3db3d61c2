import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import type Redis from 'ioredis';

import type { SessionState } from 'src/conversation/session-state';
import { scanKeys } from 'src/redis/redis-namespace';
import { SessionErrors } from 'src/session/session.errors';
import { type HeldLock, sessionKey, sessionLockKey, SessionStore } from 'src/session/session-store.port';

// Deletes the lock only if it still holds our token, so a turn that outlived its lock never frees someone else's.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Takes the lock and, in the same round trip, reads the session the turn is about to load.
const ACQUIRE_SCRIPT = `if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return {1, redis.call('get', KEYS[2])} else return {0} end`;
// Writes the turn's final session and releases the lock in one round trip. The write happens even if the lock was
// lost (it was taken over after expiry): dropping the turn's state would be worse than a last-writer-wins race.
const COMMIT_SCRIPT = `redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3]) if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end return 1`;
// Extends the lock only while we still own it.
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface LockTiming {
  /** Lock lifetime: long enough for one model turn with tools, short enough that a crashed instance frees it soon. */
  ttlMs: number;
  /** How long a second turn waits for the first before giving up with 503. */
  waitMs: number;
  retryMs: number;
}

export const DEFAULT_LOCK_TIMING: LockTiming = { ttlMs: 30_000, waitMs: 35_000, retryMs: 25 };

const parsed = (raw: string | null | undefined) => (raw ? (JSON.parse(raw) as SessionState) : null);

export class RedisSessionStore extends SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly lock: LockTiming = DEFAULT_LOCK_TIMING,
  ) {
    super();
  }

  async get(businessId: string, sessionId: string): Promise<SessionState | null> {
    return parsed(await this.redis.get(sessionKey(businessId, sessionId)));
  }

  async save(state: SessionState): Promise<void> {
    await this.redis.set(sessionKey(state.businessId, state.sessionId), JSON.stringify(state), 'EX', this.ttlSeconds);
  }

  async delete(businessId: string, sessionId: string): Promise<boolean> {
    return (await this.redis.del(sessionKey(businessId, sessionId))) > 0;
  }

  async deleteAllForTenant(businessId: string): Promise<number> {
    // Tenant and session ids cannot contain glob characters (both are validated), so the pattern is exact.
    let removed = 0;
    for (const pattern of [sessionKey(businessId, '*'), sessionLockKey(businessId, '*')]) {
      for await (const keys of scanKeys(this.redis, pattern)) removed += await this.redis.unlink(...keys);
    }
    return removed;
  }

  async withLock<T>(businessId: string, sessionId: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    const key = sessionLockKey(businessId, sessionId);
    // Unique per turn so only its owner releases the lock; randomUUID draws from a buffered pool, where randomBytes
    // would make a synchronous call into the CSPRNG on every turn.
    const token = randomUUID();
    const session = sessionKey(businessId, sessionId);
    const deadline = Date.now() + this.lock.waitMs;
    let attempts = 0;
    // The session as read with the lock, then as the section saved it; `saved` is written with the release.
    let current: string | null = null;
    let saved: string | null = null;
    for (;;) {
      attempts++;
      const [acquired, raw] = (await this.redis.eval(
        ACQUIRE_SCRIPT,
        2,
        key,
        session,
        token,
        String(this.lock.ttlMs),
      )) as [number, string | null | undefined];
      if (acquired === 1) {
        current = raw ?? null;
        break;
      }
      if (Date.now() >= deadline) throw SessionErrors.busy();
      await sleep(this.lock.retryMs);
    }
    // A slow turn (model retries) keeps its lock alive; a crashed instance stops renewing and the lock lapses.
    const renew = setInterval(
      () => {
        this.redis.eval(RENEW_SCRIPT, 1, key, token, String(this.lock.ttlMs)).catch(() => undefined);
      },
      Math.max(10, Math.floor(this.lock.ttlMs / 3)),
    );
    renew.unref();
    const lock: HeldLock = {
      waited: attempts > 1,
      // Under our own lock nobody else writes the session, so the copy read with the lock is current.
      load: () => Promise.resolve(parsed(current)),
      save: (state) => {
        current = saved = JSON.stringify(state);
        return Promise.resolve();
      },
    };
    try {
      return await fn(lock);
    } finally {
      clearInterval(renew);
      if (saved !== null) {
        await this.redis.eval(COMMIT_SCRIPT, 2, key, session, token, saved, String(this.ttlSeconds));
      } else {
        await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
      }
    }
  }
}
