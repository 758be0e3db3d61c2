import { Injectable, Logger } from '@nestjs/common';

import { contentTerms, TermStats, termStats } from 'src/rag/embeddings/text-features';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import { KnowledgeRetriever, RetrievalOptions, RetrievalResult } from 'src/rag/knowledge-retriever.port';
import { Reranker } from 'src/rag/rerank/reranker.port';
import { ChunkViewCache, withTitle } from 'src/rag/search/chunk-view.cache';
import { KeywordIndexCache } from 'src/rag/search/keyword-index.cache';
import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import { expandQuery } from 'src/rag/search/query-expansion';
import { reciprocalRankFusion } from 'src/rag/search/reciprocal-rank-fusion';
import { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import { ChunkFilter, KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import type { ActiveVersion } from 'src/rag/storage/kb-version.repository';
import type { VectorHit } from 'src/rag/vector-index.port';
import { TenantService } from 'src/tenant/tenant.service';

export interface SearchHit {
  chunkId: string;
  documentId: string;
  url: string | null;
  title: string | null;
  text: string;
  category: string | null;
  score: number;
  /** Cosine similarity of the query and chunk embeddings (0 when the chunk came from keyword search only). */
  vectorScore: number;
  /** Keyword relevance in [0, 1): in-memory BM25, or Postgres ts_rank_cd as the fallback (0: vector search only). */
  keywordScore: number;
}

export interface SearchOutcome {
  results: SearchHit[];
  confidence: number;
  version: number | null;
}

export interface SearchOptions extends RetrievalOptions {
  updatedSince?: Date;
}

export const MAX_K = 50;
const MAX_QUERY_CHARS = 2000;

/**
 * Hybrid retrieval over the tenant's active version: HNSW vector candidates and keyword candidates (in-memory BM25,
 * Postgres full-text as the fallback), fused by reciprocal rank, then re-ranked. The chat engine and the admin search endpoint share it.
 */
@Injectable()
export class KnowledgeSearchService extends KnowledgeRetriever {
  private readonly logger = new Logger('KnowledgeSearch');

  constructor(
    private readonly chunks: KbChunkRepository,
    private readonly views: ChunkViewCache,
    private readonly index: KnowledgeIndexService,
    private readonly embedder: ChunkEmbedder,
    private readonly reranker: Reranker,
    private readonly tenants: TenantService,
    private readonly keyword: KeywordIndexCache,
  ) {
    super();
  }

  /** The admin endpoint: same search, for a tenant that must exist (404 otherwise). */
  async searchForAdmin(businessId: string, options: SearchOptions & { q: string }): Promise<SearchOutcome> {
    await this.tenants.getCached(businessId);
    return this.search(businessId, options.q, options);
  }

  async activeVersionId(businessId: string): Promise<string | null> {
    return (await this.index.activeVersion(businessId))?.id ?? null;
  }

  async retrieve(businessId: string, query: string, options: RetrievalOptions = {}): Promise<RetrievalResult> {
    const outcome = await this.search(businessId, query, options);
    return {
      passages: outcome.results.map(({ chunkId, documentId, url, title, text, score }) => ({
        chunkId,
        documentId,
        url,
        title,
        text,
        score,
      })),
      confidence: outcome.confidence,
      kbVersion: outcome.version,
    };
  }

  async search(businessId: string, rawQuery: string, options: SearchOptions = {}): Promise<SearchOutcome> {
    const query = rawQuery.trim();
    if (!query) throw KnowledgeErrors.invalidQuery('q must not be empty');
    if (query.length > MAX_QUERY_CHARS)
      throw KnowledgeErrors.invalidQuery(`q must be at most ${MAX_QUERY_CHARS} characters`);
    const k = Math.min(Math.max(Math.trunc(options.k ?? 5), 1), MAX_K);
    const active = await this.index.activeVersion(businessId);
    if (!active) return { results: [], confidence: 0, version: null };

    const filter: ChunkFilter = {
      category: options.category || undefined,
      source: options.source || undefined,
      updatedSince: options.updatedSince,
    };
    const filtered = filter.category || filter.source || filter.updatedSince;
    const pool = Math.max(k * 4, 40);
    const expansion = expandQuery(query);
    const allowed = filtered
      ? this.chunks.filteredIds(businessId, active.version, filter).then((ids) => new Set(ids))
      : Promise.resolve(null);
    const [vectorHits, keywordHits] = await Promise.all([
      allowed.then((ids) => this.vectorCandidates(businessId, active, query, pool, ids)),
      allowed.then((ids) => this.keyword.search(businessId, active, expansion, pool, filter, ids)),
    ]);
    const fused = reciprocalRankFusion([vectorHits.map((h) => h.label), keywordHits.map((h) => h.id)]);
    const shortlist = [...fused.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, Math.max(k * 3, 20));
    const views = new Map(
      (
        await this.views.inVersion(
          businessId,
          active,
          shortlist.map(([id]) => id),
        )
      ).map((v) => [v.id, v]),
    );
    const candidates = shortlist.filter(([id]) => views.has(id));
    const reranked = await this.reranker.rerank(
      query,
      candidates.map(([id, score]) => {
        const v = views.get(id)!;
        return { id: String(id), text: v.searchText, terms: v.terms, score };
      }),
    );
    // Only the k results need their stage scores: a lookup in the short lists costs less than two maps a search.
    const vectorScore = (id: number) => vectorHits.find((h) => h.label === id)?.score;
    const keywordScore = (id: number) => keywordHits.find((h) => h.id === id)?.rank;
    const results = reranked.slice(0, k).map((r): SearchHit => {
      const id = Number(r.id);
      const v = views.get(id)!;
      return {
        chunkId: r.id,
        documentId: v.documentId,
        url: v.url,
        title: v.title,
        text: v.text,
        category: v.category,
        score: round(r.score),
        vectorScore: round(vectorScore(id) ?? 0),
        keywordScore: round(keywordScore(id) ?? 0),
      };
    });
    const termsOf = (hit: SearchHit) => views.get(Number(hit.chunkId))!.terms;
    return { results, confidence: confidenceOf(query, results, termsOf), version: active.version };
  }

  /**
   * Nearest chunks by embedding. When the embedder or the index is unavailable (e.g. the embedding API is down), the
   * search degrades to keyword candidates instead of failing the chat turn.
   */
  private async vectorCandidates(
    businessId: string,
    active: ActiveVersion,
    query: string,
    pool: number,
    allowed: Set<number> | null,
  ): Promise<VectorHit[]> {
    if (allowed && allowed.size === 0) return [];
    // An index still opening or being rebuilt is not waited for: keyword candidates serve alone meanwhile.
    const index = this.index.readyIndexFor(businessId, active);
    if (!index) return [];
    try {
      return await index.search(await this.embedder.embedQuery(query), pool, allowed ?? undefined);
    } catch (err) {
      this.logger.warn({ event: 'kb_vector_search_degraded', businessId, err: (err as Error).message });
      return [];
    }
  }
}

/**
 * How likely the passages answer the query, in [0, 1]: the best share of the query's content words found in one of
 * the top three passages, blended with the best embedding similarity among them. Cosines of unrelated texts sit near
 * 0.1 and paraphrases reach 0.4+ with the local embedder, hence the rescaling. An unrelated question ("capital of
 * France?") scores near 0; the chat engine's default threshold is 0.2.
 */
export function confidenceOf(
  query: string,
  results: SearchHit[],
  termsOf: (hit: SearchHit) => TermStats = (hit) => termStats(withTitle(hit)),
): number {
  const top = results.slice(0, 3);
  if (!top.length) return 0;
  const terms = [...new Set(contentTerms(query))];
  const coverage = Math.max(
    ...top.map((r) => {
      const present = termsOf(r).counts;
      return terms.length ? terms.filter((t) => present.has(t)).length / terms.length : 0;
    }),
  );
  const semantic = Math.min(Math.max((Math.max(...top.map((r) => r.vectorScore)) - 0.1) / 0.3, 0), 1);
  return round(0.5 * coverage + 0.5 * semantic);
}

const round = (n: number) => Math.round(n * 10000) / 10000;
