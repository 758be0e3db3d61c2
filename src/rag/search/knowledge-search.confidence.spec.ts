import { confidenceOf, SearchHit } from 'src/rag/search/knowledge-search.service';

const hit = (text: string, vectorScore: number, title: string | null = null): SearchHit => ({
  chunkId: '1',
  documentId: 'd',
  url: null,
  title,
  text,
  category: null,
  score: 1,
  vectorScore,
  keywordScore: 0,
});

describe(confidenceOf.name, () => {
  it('is 0 without results', () => {
    expect(confidenceOf('anything', [])).toBe(0);
  });

  it('is high when a passage holds every query word and is close in embedding space', () => {
    expect(
      confidenceOf('emergency plumbing', [hit('We offer emergency plumbing around the clock.', 0.5)]),
    ).toBeGreaterThan(0.9);
  });

  it('is near 0 for an unrelated question', () => {
    expect(confidenceOf('capital of France', [hit('We offer emergency plumbing around the clock.', 0.05)])).toBe(0);
  });

  it('takes the best of the top three passages, not only the first', () => {
    const first = hit('Unrelated opening text.', 0.12);
    const third = hit('Boiler servicing costs $89.', 0.45, 'Boilers');
    expect(confidenceOf('boiler servicing cost', [first, first, third])).toBeGreaterThan(
      confidenceOf('boiler servicing cost', [first]),
    );
  });
});
