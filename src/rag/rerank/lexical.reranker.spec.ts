import { termStats } from 'src/rag/embeddings/text-features';
import { LexicalReranker } from 'src/rag/rerank/lexical.reranker';

describe(LexicalReranker.name, () => {
  const sut = new LexicalReranker();

  it('promotes the candidate covering all query terms over one that repeats a single term', async () => {
    const results = await sut.rerank('how are review requests automated', [
      { id: 'repeats', text: 'Reviews reviews reviews: our reviews page lists reviews.', score: 0.5 },
      { id: 'answers', text: 'We automate review requests at the right time after each job.', score: 0.45 },
      { id: 'other', text: 'Google Ads campaigns by service and location.', score: 0.5 },
    ]);

    expect(results.map((r) => r.id)).toEqual(['answers', 'repeats', 'other']);
  });

  it('keeps the incoming order when the text gives no evidence either way', async () => {
    const results = await sut.rerank('zebra', [
      { id: 'a', text: 'plumbing', score: 0.9 },
      { id: 'b', text: 'roofing', score: 0.5 },
      { id: 'c', text: 'painting', score: 0.5 },
    ]);

    expect(results.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('returns every candidate once with scores in [0, 1], best first', async () => {
    const results = await sut.rerank('pest control leads', [
      { id: 'x', text: 'pest control companies get more leads', score: 0.2 },
      { id: 'y', text: 'lawn care', score: 1 },
      { id: 'z', text: 'leads', score: 0 },
    ]);

    expect(results.map((r) => r.id).sort()).toEqual(['x', 'y', 'z']);
    for (const r of results) expect(r.score).toBeGreaterThanOrEqual(0);
    for (const r of results) expect(r.score).toBeLessThanOrEqual(1);
    expect(results[0].score).toBeGreaterThanOrEqual(results[1].score);
  });

  it('ranks the same with the term counts a caller kept as with the texts alone', async () => {
    const candidates = [
      { id: 'repeats', text: 'Reviews reviews reviews: our reviews page lists reviews.', score: 0.5 },
      { id: 'answers', text: 'We automate review requests at the right time after each job.', score: 0.45 },
      { id: 'other', text: 'Google Ads campaigns by service and location.', score: 0.5 },
    ];
    const kept = candidates.map((c) => ({ ...c, terms: termStats(c.text) }));

    expect(await sut.rerank('how are review requests automated', kept)).toEqual(
      await sut.rerank('how are review requests automated', candidates),
    );
  });

  it('reads the term counts a caller kept instead of analysing the text again', async () => {
    const [only] = await sut.rerank('roofing', [
      { id: 'a', text: 'plumbing', terms: termStats('roofing'), score: 0 },
      { id: 'b', text: 'roofing', terms: termStats('plumbing'), score: 0 },
    ]);

    expect(only.id).toBe('a');
  });

  it('returns an empty list for no candidates', async () => {
    expect(await sut.rerank('anything', [])).toEqual([]);
  });
});
