import { HandoffStatusCache } from 'src/handoff/handoff-status.cache';
import { LocalKeyValueStore } from 'src/redis/local.key-value-store';

describe(HandoffStatusCache.name, () => {
  let durable: boolean;
  let reads: number;
  let sut: HandoffStatusCache;
  const readDurable = () => {
    reads++;
    return Promise.resolve(durable);
  };

  beforeEach(() => {
    durable = false;
    reads = 0;
    sut = new HandoffStatusCache(new LocalKeyValueStore());
  });

  it('reads Postgres once per session, then answers from the store', async () => {
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(false);
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(false);
    expect(reads).toBe(1);
    expect(await sut.isOpen('b1', 's2', readDurable)).toBe(false);
    expect(reads).toBe(2);
  });

  it('reads Postgres again after a hand-off opens, and sees it open', async () => {
    await sut.isOpen('b1', 's1', readDurable);
    await sut.forget('b1', 's1');
    durable = true;
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(true);
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(true);
    expect(reads).toBe(2);
  });

  it('answers released after a release, without reading Postgres', async () => {
    durable = true;
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(true);
    durable = false;
    await sut.released('b1', 's1');
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(false);
    expect(reads).toBe(1);
  });

  it('keeps a release that lands while a turn is reading Postgres (the stale read is not stored)', async () => {
    let finishRead: (open: boolean) => void = () => undefined;
    const slowRead = () => new Promise<boolean>((resolve) => (finishRead = resolve));
    const turn = sut.isOpen('b1', 's1', slowRead);
    await new Promise((resolve) => setImmediate(resolve));
    await sut.released('b1', 's1');
    finishRead(true); // read before the release's update
    expect(await turn).toBe(true);
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(false);
    expect(reads).toBe(0);
  });

  it('peeks without reading Postgres or filling the entry, so a read outside the session lock never stores', async () => {
    expect(await sut.peek('b1', 's1')).toBeNull();
    // A hand-off opening meanwhile (under the lock) must be read from Postgres by the next turn, not from a fill.
    durable = true;
    expect(await sut.isOpen('b1', 's1', readDurable)).toBe(true);
    expect(reads).toBe(1);
    expect(await sut.peek('b1', 's1')).toBe(true);
    await sut.released('b1', 's1');
    expect(await sut.peek('b1', 's1')).toBe(false);
    expect(reads).toBe(1);
  });
});
