import { KeywordDocument, KeywordIndex } from 'src/rag/search/keyword-index';
import { expandQuery } from 'src/rag/search/query-expansion';

const doc = (id: number, title: string | null, text: string): KeywordDocument => ({ id, title, text });

const DOCS = [
  doc(1, 'Opening hours', 'We are open Monday to Friday from 8am to 6pm.'),
  doc(2, 'Drain cleaning', 'Drain cleaning starts at $149. Blocked drains are cleared the same day.'),
  doc(3, 'Professional services', 'Law firms and accounting practices use the assistant for intake.'),
  doc(4, 'Warranty', 'Every repair carries a two-year labour warranty. The warranty covers parts and labour.'),
  doc(5, 'Pricing', 'Plans are priced per month; the pricing page lists every plan.'),
  doc(6, null, 'Our drain technicians also repair water heaters, with the usual warranty.'),
];

describe(KeywordIndex.name, () => {
  let sut: KeywordIndex;

  beforeAll(async () => {
    sut = await KeywordIndex.build(DOCS);
  });

  const ids = (q: string, limit = 10, allowed?: Set<number>) =>
    sut.search(expandQuery(q), limit, allowed).map((m) => m.id);

  it('ranks the chunk matching every query word above one matching a single word', () => {
    expect(ids('Is there a warranty when you repair drains or water heaters?')[0]).toBe(6);
    expect(ids('how long does the labour warranty last?')[0]).toBe(4);
  });

  it('weights a word in the title above the same word in the body', () => {
    expect(ids('drain details please')).toEqual([2, 6]);
  });

  it('conflates word forms as Postgres english stemming does ("accountants" meets "accounting")', () => {
    expect(ids('Is this for lawyers and accountants too?')).toEqual([3]);
  });

  it('prefix-matches the words of a short query only', () => {
    // "price" is expanded with related words and prefix-matched: "priced" and "pricing" both count.
    expect(ids('price')).toContain(5);
    expect(ids('labo')).toEqual([4]);
    expect(ids('does labo include weekend visits')).toEqual([]);
  });

  it('answers nothing for a query of stop words only, an empty filter or a zero limit', () => {
    expect(ids('is it the')).toEqual([]);
    expect(ids('warranty', 10, new Set())).toEqual([]);
    expect(ids('warranty', 0)).toEqual([]);
  });

  it('keeps only allowed chunks when a filter applies', () => {
    expect(ids('warranty repair', 10, new Set([6]))).toEqual([6]);
  });

  it('returns at most `limit` chunks, best first, ranks in (0, 1), ties broken by chunk id', async () => {
    const twins = await KeywordIndex.build([doc(9, null, 'boiler service'), doc(7, null, 'boiler service')]);
    expect(twins.search(expandQuery('boiler service'), 5).map((m) => m.id)).toEqual([7, 9]);
    expect(twins.search(expandQuery('boiler service'), 1).map((m) => m.id)).toEqual([7]);
    const ranks = sut.search(expandQuery('warranty repair drain'), 3).map((m) => m.rank);
    expect(ranks).toHaveLength(3);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    for (const rank of ranks) {
      expect(rank).toBeGreaterThan(0);
      expect(rank).toBeLessThan(1);
    }
  });

  it('gives every search its own scores (the scratch buffers are reset)', () => {
    const first = sut.search(expandQuery('warranty repair'), 10);
    ids('drain cleaning');
    expect(sut.search(expandQuery('warranty repair'), 10)).toEqual(first);
  });

  it('yields to the event loop while analysing a large knowledge base', async () => {
    const many = Array.from({ length: 400 }, (_, i) => doc(i + 1, `Part ${i}`, `Replacement part ${i} `.repeat(20)));
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const building = KeywordIndex.build(many);
    const index = await building;
    clearInterval(ticker);
    expect(index.size).toBe(400);
    expect(ticks).toBeGreaterThan(0);
    expect(index.search(expandQuery('replacement part 123'), 1)[0].id).toBe(124);
  });

  it('finds prefix completions across a large vocabulary, built in slices', async () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      doc(i, null, Array.from({ length: 20 }, (__, j) => `term${j}x${i}`).join(' ')),
    );
    const index = await KeywordIndex.build(many);
    const found = index.search(expandQuery('term3x12'), 200).map((m) => m.id);
    // The exact word first, then chunks whose words extend it, shorter completions first: 12, 120–129, 1200–1299.
    expect(found).toHaveLength(111);
    expect(found.slice(0, 11)).toEqual([12, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129]);
    expect(found).toEqual(expect.arrayContaining([1200, 1299]));
    expect(index.search(expandQuery('zz unknown'), 5)).toEqual([]);
  });

  it('estimates its memory from what it holds', async () => {
    const small = await KeywordIndex.build(DOCS.slice(0, 2));
    expect(small.bytes).toBeGreaterThan(0);
    expect(sut.bytes).toBeGreaterThan(small.bytes);
  });
});
