import { TtlCache } from 'src/common/cache/ttl-cache';

describe(TtlCache.name, () => {
  let clock: number;
  const build = (max = 10) => new TtlCache<string, string | null>({ ttlMs: 1000, max, now: () => clock });

  beforeEach(() => (clock = 1_000_000));

  it('serves an entry until its TTL has passed, then forgets it', () => {
    const sut = build();
    sut.set('a', 'one');

    clock += 999;
    expect(sut.get('a')).toBe('one');
    clock += 1;
    expect(sut.get('a')).toBeUndefined();
    expect(sut.has('a')).toBe(false);
  });

  it('caches null as a value, told apart from a miss by lookup', () => {
    const sut = build();
    sut.set('none', null);

    expect(sut.lookup('none')).toEqual({ value: null });
    expect(sut.lookup('other')).toBeUndefined();
  });

  it('honours a per-entry TTL shorter than the default', () => {
    const sut = build();
    sut.set('short', 'x', 100);
    sut.set('long', 'y');

    clock += 101;

    expect([sut.get('short'), sut.get('long')]).toEqual([undefined, 'y']);
  });

  it('hands out a taken value once', () => {
    const sut = build();
    sut.set('ticket', 'secret');

    expect(sut.take('ticket')).toBe('secret');
    expect(sut.take('ticket')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond max', () => {
    const sut = build(2);
    sut.set('a', '1');
    sut.set('b', '2');
    sut.get('a');
    sut.set('c', '3');

    expect([sut.get('a'), sut.get('b'), sut.get('c')]).toEqual(['1', undefined, '3']);
  });

  it('forgets a deleted entry and says whether there was one', () => {
    const sut = build();
    sut.set('a', '1');

    expect(sut.delete('a')).toBe(true);
    expect(sut.delete('a')).toBe(false);
    expect(sut.get('a')).toBeUndefined();
  });

  it('drops every entry whose value matches, and keeps the others', () => {
    const sut = build();
    sut.set('k1', 'tenant-a');
    sut.set('k2', 'tenant-b');
    sut.set('k3', 'tenant-a');

    const removed = sut.deleteWhere((value) => value === 'tenant-a');

    expect(removed).toBe(2);
    expect([sut.get('k1'), sut.get('k2'), sut.get('k3')]).toEqual([undefined, 'tenant-b', undefined]);
  });
});
