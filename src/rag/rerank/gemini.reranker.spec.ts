import { parseGrades } from 'src/rag/rerank/gemini.reranker';

describe('parseGrades', () => {
  it('maps graded indexes to a score per candidate, clamped to 0–10', () => {
    expect(
      parseGrades('{"scores":[{"index":1,"score":12},{"index":0,"score":3.5},{"index":2,"score":-1}]}', 3),
    ).toEqual([3.5, 10, 0]);
  });

  it.each([
    ['a candidate without a grade', '{"scores":[{"index":0,"score":3}]}', new Error('incomplete grades')],
    [
      'an out-of-range index',
      '{"scores":[{"index":0,"score":3},{"index":5,"score":3}]}',
      new Error('incomplete grades'),
    ],
    [
      'a non-numeric score',
      '{"scores":[{"index":0,"score":"high"},{"index":1,"score":3}]}',
      new Error('incomplete grades'),
    ],
    ['malformed JSON', '{"scores":[{"index":0,', SyntaxError],
  ])('rejects %s so the caller falls back to the incoming order', (_case, text, error) => {
    expect(() => parseGrades(text, 2)).toThrow(error);
  });
});
