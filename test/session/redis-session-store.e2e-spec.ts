import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

import { newSessionState } from 'src/conversation/session-state';
import { RedisSessionStore } from 'src/session/stores/redis.session-store';
import { TEST_REDIS_URL } from 'test/support/services';

describe(`${RedisSessionStore.name} against real Redis`, () => {
  let redis: Redis;
  const tenant = () => `t-${randomBytes(4).toString('hex')}`;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  it('saves under chat:{business_id}:{session_id} with the TTL and reads it back', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120);
    const state = newSessionState(b, 'session-1', 'voice');
    await store.save(state);
    expect(await store.get(b, 'session-1')).toEqual(state);
    expect(await redis.ttl(`chat:${b}:session-1`)).toBeGreaterThan(110);
    expect(await store.get(b, 'session-2')).toBeNull();
  });

  it('hands the section the session read with the lock, and its own saves, which reach Redis with the release', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120);
    await store.save(newSessionState(b, 'session-1', 'chat'));
    await store.withLock(b, 'session-1', async (lock) => {
      const state = (await lock.load())!;
      expect(state.sessionId).toBe('session-1');
      await lock.save({ ...state, summary: 'updated' });
      expect((await lock.load())!.summary).toBe('updated');
      // Staged, not yet written: the store itself still reads what Redis holds.
      expect((await store.get(b, 'session-1'))!.summary).toBeNull();
    });
    expect((await store.get(b, 'session-1'))!.summary).toBe('updated');
    await store.withLock(b, 'session-2', async (lock) => {
      expect(await lock.load()).toBeNull();
    });
  });

  it('has written a save made under the lock, with the TTL, once withLock resolves, also when the section throws', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120);
    await store.withLock(b, 'session-1', async (lock) => {
      await lock.save({ ...newSessionState(b, 'session-1', 'chat'), summary: 'committed' });
    });
    expect(JSON.parse((await redis.get(`chat:${b}:session-1`))!).summary).toBe('committed');
    expect(await redis.ttl(`chat:${b}:session-1`)).toBeGreaterThan(110);
    expect(await redis.exists(`chat-lock:${b}:session-1`)).toBe(0);
    await expect(
      store.withLock(b, 'session-1', async (lock) => {
        await lock.save({ ...newSessionState(b, 'session-1', 'chat'), summary: 'before the failure' });
        throw new Error('turn failed after saving');
      }),
    ).rejects.toThrow('turn failed after saving');
    expect((await store.get(b, 'session-1'))!.summary).toBe('before the failure');
  });

  it('leaves a session deleted under its lock deleted when the section saved nothing', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120);
    await store.save(newSessionState(b, 'session-1', 'chat'));
    await store.withLock(b, 'session-1', async () => {
      expect(await store.delete(b, 'session-1')).toBe(true);
    });
    expect(await store.get(b, 'session-1')).toBeNull();
    expect(await redis.exists(`chat-lock:${b}:session-1`)).toBe(0);
  });

  it('deletes all sessions of one tenant and none of a tenant whose id shares its prefix', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120);
    for (let i = 0; i < 30; i++) await store.save(newSessionState(b, `session-${i}`, 'chat'));
    await store.save(newSessionState(`${b}-2`, 'session-1', 'chat'));
    expect(await store.deleteAllForTenant(b)).toBe(30);
    expect(await store.get(`${b}-2`, 'session-1')).not.toBeNull();
    await store.deleteAllForTenant(`${b}-2`);
  });

  it('with a namespaced client, deletes all sessions and locks of a tenant in its namespace and none in another', async () => {
    const b = tenant();
    const mine = new Redis(TEST_REDIS_URL, { keyPrefix: `ns-${b}-a:` });
    const theirs = new Redis(TEST_REDIS_URL, { keyPrefix: `ns-${b}-b:` });
    try {
      const store = new RedisSessionStore(mine, 120);
      const other = new RedisSessionStore(theirs, 120);
      for (let i = 0; i < 3; i++) await store.save(newSessionState(b, `session-${i}`, 'chat'));
      await other.save(newSessionState(b, 'session-0', 'chat'));
      await mine.set(`chat-lock:${b}:session-0`, 'abandoned', 'PX', 5000);

      expect(await store.deleteAllForTenant(b)).toBe(4);
      expect(await redis.keys(`ns-${b}-a:*`)).toEqual([]);
      expect(await redis.keys(`ns-${b}-b:*`)).toEqual([`ns-${b}-b:chat:${b}:session-0`]);
      expect(await other.get(b, 'session-0')).not.toBeNull();
      await other.deleteAllForTenant(b);
    } finally {
      mine.disconnect();
      theirs.disconnect();
    }
  });

  it('serializes critical sections on one session across two store instances (two app instances)', async () => {
    const b = tenant();
    const other = redis.duplicate();
    try {
      const one = new RedisSessionStore(redis, 120, { ttlMs: 5000, waitMs: 5000, retryMs: 5 });
      const two = new RedisSessionStore(other, 120, { ttlMs: 5000, waitMs: 5000, retryMs: 5 });
      let inside = 0;
      let maxInside = 0;
      const section = async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 15));
        inside--;
      };
      await Promise.all([0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? one : two).withLock(b, 'session-1', section)));
      expect(maxInside).toBe(1);
      expect(await redis.exists(`chat-lock:${b}:session-1`)).toBe(0);
    } finally {
      other.disconnect();
    }
  });

  it('tells the section whether it waited, and runs a command sent right after the request once it holds it', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120, { ttlMs: 5000, waitMs: 2000, retryMs: 5 });
    const waited: boolean[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = store.withLock(b, 'session-1', async (lock) => {
      waited.push(lock.waited);
      await held;
    });
    // Sent on the same connection after the lock request, so Redis answers it with the lock already taken: what
    // ChatService relies on to read ahead in the lock's round trip.
    expect(await redis.get(`chat-lock:${b}:session-1`)).not.toBeNull();
    const second = store.withLock(b, 'session-1', async (lock) => {
      waited.push(lock.waited);
    });
    await new Promise((r) => setTimeout(r, 30));
    release();
    await Promise.all([first, second]);
    expect(waited).toEqual([false, true]);
  });

  it('gives up with a retryable 503 error when the session stays busy', async () => {
    const b = tenant();
    const store = new RedisSessionStore(redis, 120, { ttlMs: 5000, waitMs: 60, retryMs: 10 });
    await redis.set(`chat-lock:${b}:session-1`, 'someone-else', 'PX', 5000);
    await expect(store.withLock(b, 'session-1', async () => 'never')).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      code: 'SESSION.BUSY',
    });
    // The lock of the other holder is untouched.
    expect(await redis.get(`chat-lock:${b}:session-1`)).toBe('someone-else');
    await redis.del(`chat-lock:${b}:session-1`);
  });

  it('keeps a slow turn locked past the lock TTL by renewing it, and never frees a lock it lost', async () => {
    const b = tenant();
    // A TTL long enough that a renewal delayed by a busy CI machine (it renews every third of the TTL) still lands
    // in time: with 60 ms, a 40 ms stall of the event loop let the lock lapse and the test fail.
    const store = new RedisSessionStore(redis, 120, { ttlMs: 600, waitMs: 5000, retryMs: 5 });
    let secondStartedWhileFirstRan = false;
    let firstRunning = false;
    let entered!: () => void;
    const firstEntered = new Promise<void>((r) => (entered = r));
    const first = store.withLock(b, 'session-1', async () => {
      firstRunning = true;
      entered();
      // Four lock TTLs: the lock outlives them only by being renewed.
      await new Promise((r) => setTimeout(r, 2400));
      firstRunning = false;
    });
    await firstEntered;
    const second = store.withLock(b, 'session-1', async () => {
      secondStartedWhileFirstRan = firstRunning;
    });
    await Promise.all([first, second]);
    expect(secondStartedWhileFirstRan).toBe(false);

    // A holder whose lock was taken over (after expiry) must not delete the new owner's lock on release.
    await store.withLock(b, 'session-2', async () => {
      await redis.set(`chat-lock:${b}:session-2`, 'new-owner', 'PX', 5000);
    });
    expect(await redis.get(`chat-lock:${b}:session-2`)).toBe('new-owner');
    await redis.del(`chat-lock:${b}:session-2`);
  });
});
