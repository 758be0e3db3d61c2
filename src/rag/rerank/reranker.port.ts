import type { TermStats } from 'src/rag/embeddings/text-features';

export interface RerankCandidate {
  id: string;
  text: string;
  /**
   * The text's content-term counts, when the caller keeps them (a cached chunk): a lexical re-ranker reads them
   * instead of looking the text up again. Must be `termStats(text)`.
   */
  terms?: TermStats;
  /** Score from the previous stage (fused retrieval), higher is better; in [0, 1]. */
  score: number;
}

export interface RerankResult {
  id: string;
  /** New relevance in [0, 1], higher is better. */
  score: number;
}

/** Re-orders a short candidate list for one query. Returns every candidate once, best first. */
export abstract class Reranker {
  abstract rerank(query: string, candidates: RerankCandidate[]): Promise<RerankResult[]>;
}
