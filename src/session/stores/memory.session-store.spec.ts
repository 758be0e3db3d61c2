import { newSessionState } from 'src/conversation/session-state';
import { MemorySessionStore } from 'src/session/stores/memory.session-store';

describe(MemorySessionStore.name, () => {
  let now = 0;
  const sut = () => new MemorySessionStore(60, () => now);

  beforeEach(() => (now = 1_000_000));

  it('returns a copy of what was saved, never the stored object', async () => {
    const store = sut();
    const state = newSessionState('acme', 'session-1', 'chat');
    await store.save(state);
    const read = await store.get('acme', 'session-1');
    expect(read).toEqual(state);
    read!.captured.email = 'changed@example.com';
    expect((await store.get('acme', 'session-1'))!.captured).toEqual({});
  });

  it('expires a session after the TTL, counted from the last write', async () => {
    const store = sut();
    await store.save(newSessionState('acme', 'session-1', 'chat'));
    now += 50_000;
    await store.save(newSessionState('acme', 'session-1', 'chat'));
    now += 50_000;
    expect(await store.get('acme', 'session-1')).not.toBeNull();
    now += 11_000;
    expect(await store.get('acme', 'session-1')).toBeNull();
  });

  it('deletes one session, or every session of one tenant only', async () => {
    const store = sut();
    for (const [b, s] of [
      ['acme', 'session-1'],
      ['acme', 'session-2'],
      ['acme-2', 'session-1'],
    ])
      await store.save(newSessionState(b, s, 'chat'));
    expect(await store.delete('acme', 'session-1')).toBe(true);
    expect(await store.delete('acme', 'session-1')).toBe(false);
    expect(await store.deleteAllForTenant('acme')).toBe(1);
    expect(await store.get('acme-2', 'session-1')).not.toBeNull();
  });

  it('hands the locked section its session and keeps what the section saves through the lock', async () => {
    const store = sut();
    await store.save(newSessionState('acme', 'session-1', 'chat'));
    await store.withLock('acme', 'session-1', async (lock) => {
      const state = (await lock.load())!;
      expect(state.sessionId).toBe('session-1');
      await lock.save({ ...state, summary: 'updated' });
      expect((await lock.load())!.summary).toBe('updated');
    });
    expect((await store.get('acme', 'session-1'))!.summary).toBe('updated');
    await store.withLock('acme', 'session-2', async (lock) => expect(await lock.load()).toBeNull());
  });

  it('runs turns on one session one after the other, even when one fails', async () => {
    const store = sut();
    const order: string[] = [];
    const waited: boolean[] = [];
    const slow = store.withLock('acme', 's', async (lock) => {
      waited.push(lock.waited);
      order.push('a:start');
      await new Promise((r) => setTimeout(r, 20));
      order.push('a:end');
      throw new Error('a failed');
    });
    const fast = store.withLock('acme', 's', async (lock) => {
      waited.push(lock.waited);
      order.push('b');
      return 'b';
    });
    await expect(slow).rejects.toThrow('a failed');
    await expect(fast).resolves.toBe('b');
    expect(order).toEqual(['a:start', 'a:end', 'b']);
    // The second turn is told it waited: anything it read before the lock may predate the first turn's writes.
    expect(waited).toEqual([false, true]);
  });

  it('does not serialize different sessions', async () => {
    const store = sut();
    const order: string[] = [];
    // s1 holds its lock until s2's turn has run: were the two serialized, neither would finish.
    let releaseS1!: () => void;
    const s1Held = new Promise<void>((r) => (releaseS1 = r));
    const a = store.withLock('acme', 's1', async () => {
      await s1Held;
      order.push('s1');
    });
    const b = store.withLock('acme', 's2', async () => {
      order.push('s2');
      releaseS1();
    });
    await Promise.all([a, b]);
    expect(order).toEqual(['s2', 's1']);
  });
});
