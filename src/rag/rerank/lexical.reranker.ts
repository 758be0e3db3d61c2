import { contentTerms, termStats } from 'src/rag/embeddings/text-features';
import { RerankCandidate, Reranker, RerankResult } from 'src/rag/rerank/reranker.port';

/** Share of the final score kept from the retrieval stage; the rest comes from lexical evidence. */
const INCOMING_WEIGHT = 0.6;
const BM25_K1 = 1.2;
const BM25_B = 0.75;

/**
 * Default re-ranker, no model: BM25 of the query over the candidate texts (IDF from the candidate set itself) plus
 * the IDF-weighted share of query terms the candidate covers, blended with the retrieval score. Coverage rewards the
 * chunk that answers the whole question over one that repeats a single query word many times.
 */
export class LexicalReranker extends Reranker {
  rerank(query: string, candidates: RerankCandidate[]): Promise<RerankResult[]> {
    const queryTerms = [...new Set(contentTerms(query))];
    const docs = candidates.map((candidate) => candidate.terms ?? termStats(candidate.text));
    const n = candidates.length;
    const avgLength = docs.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, n);
    const idf = new Map<string, number>();
    for (const term of queryTerms) {
      const df = docs.filter((doc) => doc.counts.has(term)).length;
      idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    }
    const totalIdf = [...idf.values()].reduce((sum, value) => sum + value, 0);

    const lexical = docs.map((doc) => {
      let bm25 = 0;
      let covered = 0;
      for (const term of queryTerms) {
        const tf = doc.counts.get(term) ?? 0;
        if (tf === 0) continue;
        const weight = idf.get(term) ?? 0;
        covered += weight;
        bm25 +=
          (weight * tf * (BM25_K1 + 1)) /
          (tf + BM25_K1 * (1 - BM25_B + (BM25_B * doc.length) / Math.max(1, avgLength)));
      }
      return { bm25, coverage: totalIdf > 0 ? covered / totalIdf : 0 };
    });
    const maxBm25 = Math.max(0, ...lexical.map((l) => l.bm25));
    const maxIncoming = Math.max(0, ...candidates.map((c) => c.score));

    const results = candidates.map((candidate, i) => {
      const incoming = maxIncoming > 0 ? candidate.score / maxIncoming : 0;
      const lex = 0.5 * (maxBm25 > 0 ? lexical[i].bm25 / maxBm25 : 0) + 0.5 * lexical[i].coverage;
      return { id: candidate.id, score: INCOMING_WEIGHT * incoming + (1 - INCOMING_WEIGHT) * lex, order: i };
    });
    results.sort((a, b) => b.score - a.score || a.order - b.order);
    return Promise.resolve(results.map(({ id, score }) => ({ id, score })));
  }
}
