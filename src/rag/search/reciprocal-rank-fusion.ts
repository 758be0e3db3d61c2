/** The usual RRF constant: dampens the gap between rank 1 and rank 2 so both lists get a say. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion of ranked id lists: score(id) = Σ 1 / (RRF_K + rank). Normalized to [0, 1] by the best
 * possible score (first in every list), so scores are comparable between queries.
 */
export function reciprocalRankFusion(lists: number[][]): Map<number, number> {
  const fused = new Map<number, number>();
  for (const list of lists) {
    list.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
  }
  const best = lists.length / (RRF_K + 1);
  for (const [id, score] of fused) fused.set(id, score / best);
  return fused;
}
