import { expandQuery } from 'src/rag/search/query-expansion';
import { reciprocalRankFusion } from 'src/rag/search/reciprocal-rank-fusion';

describe(expandQuery.name, () => {
  it('adds related words and prefix matching to a one- or two-word query', () => {
    const q = expandQuery('Pricing?');
    expect(q.expanded).toBe(true);
    expect(q.terms).toEqual(expect.arrayContaining(['pricing', 'cost', 'price']));
    expect(q.tsquery).toContain('pricing:*');
  });

  it('leaves a full question as an OR of its content words', () => {
    const q = expandQuery('How do I book a boiler service?');
    expect(q).toEqual({ terms: ['book', 'boiler', 'service'], expanded: false, tsquery: 'book | boiler | service' });
  });

  it('has nothing to search for a query of stop words or punctuation only', () => {
    expect(expandQuery('the and of ?!').tsquery).toBeNull();
  });
});

describe(reciprocalRankFusion.name, () => {
  it('ranks an id found by both lists above ids found by one, normalized so first-in-both is 1', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3],
      [1, 4],
    ]);
    expect(fused.get(1)).toBeCloseTo(1);
    expect(fused.get(2)!).toBeGreaterThan(fused.get(3)!);
    expect(fused.get(4)!).toBeLessThan(fused.get(1)!);
  });
});
