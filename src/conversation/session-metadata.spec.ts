import { mergeMetadata, metadataProblem } from 'src/conversation/session-metadata';

describe(metadataProblem.name, () => {
  it('accepts flat string, number and boolean values under valid keys', () => {
    expect(metadataProblem({ page: '/pricing', 'utm.source': 'ad', visits: 2, returning: true })).toBeNull();
  });

  it.each([
    [[], /must be an object/],
    [null, /must be an object/],
    [{ 'a b': 1 }, /must match/],
    [{ a: Number.NaN }, /finite number/],
    [{ a: [1] }, /must be a string/],
  ])('names the problem with %j', (value, problem) => {
    expect(metadataProblem(value)).toMatch(problem);
  });
});

describe(mergeMetadata.name, () => {
  it('lets later values win and keeps the newest 20 keys', () => {
    const old = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    const merged = mergeMetadata(old, { k0: 'again', extra: true });
    expect(Object.keys(merged)).toHaveLength(20);
    expect(merged).toMatchObject({ k0: 'again', extra: true });
    expect(merged.k1).toBeUndefined();
  });
});
