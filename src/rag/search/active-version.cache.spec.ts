import { ActiveVersionCache } from 'src/rag/search/active-version.cache';

describe('ActiveVersionCache', () => {
  const v1 = { version: 1, id: 'a' };
  const v2 = { version: 2, id: 'b' };

  it('reads once per tenant until the TTL passes, and caches "no knowledge base" too', async () => {
    let now = 0;
    const cache = new ActiveVersionCache(1000, () => now);
    const load = jest.fn().mockResolvedValue(null);
    await cache.get('t1', load);
    await cache.get('t1', load);
    expect(load).toHaveBeenCalledTimes(1);
    now = 1000;
    await cache.get('t1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps tenants apart', async () => {
    const cache = new ActiveVersionCache(1000);
    await cache.get('t1', () => Promise.resolve(v1));
    expect(await cache.get('t2', () => Promise.resolve(v2))).toEqual(v2);
    expect(await cache.get('t1', () => Promise.resolve(v2))).toEqual(v1);
  });

  it('reads again right after an invalidation', async () => {
    const cache = new ActiveVersionCache(60_000);
    await cache.get('t1', () => Promise.resolve(v1));
    cache.invalidate('t1');
    expect(await cache.get('t1', () => Promise.resolve(v2))).toEqual(v2);
  });

  it('does not keep a value read before an invalidation that happened during the read', async () => {
    const cache = new ActiveVersionCache(60_000);
    let release!: (v: typeof v1) => void;
    const slow = cache.get('t1', () => new Promise((r) => (release = r)));
    cache.invalidate('t1');
    release(v1);
    expect(await slow).toEqual(v1);
    expect(await cache.get('t1', () => Promise.resolve(v2))).toEqual(v2);
  });

  it('sends one query for concurrent misses of a tenant', async () => {
    const cache = new ActiveVersionCache(1000);
    const releases: ((v: typeof v1) => void)[] = [];
    const load = jest.fn(() => new Promise<typeof v1>((r) => releases.push(r)));
    const reads = [cache.get('t1', load), cache.get('t1', load), cache.get('t1', load)];
    for (const release of releases) release(v1);
    expect(await Promise.all(reads)).toEqual([v1, v1, v1]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('lets the next turn read again after a failed read', async () => {
    const cache = new ActiveVersionCache(1000);
    await expect(cache.get('t1', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('t1', () => Promise.resolve(v1))).toEqual(v1);
  });

  it('does not hand a read that started before an invalidation to a turn after it', async () => {
    const cache = new ActiveVersionCache(60_000);
    let release!: (v: typeof v1) => void;
    const before = cache.get('t1', () => new Promise((r) => (release = r)));
    cache.invalidate('t1');
    const after = cache.get('t1', () => Promise.resolve(v2));
    release(v1);
    expect(await before).toEqual(v1);
    expect(await after).toEqual(v2);
    expect(await cache.get('t1', () => Promise.resolve(v1))).toEqual(v2);
  });
});
