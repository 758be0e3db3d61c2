/**
 * Below this fused confidence the knowledge base is treated as having no answer, unless the tenant overrides it
 * (`settings.ragMinConfidence`). Chat grounding and the unanswered-questions recheck both judge by it.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.2;

export interface RetrievedPassage {
  chunkId: string;
  documentId: string;
  url: string | null;
  title: string | null;
  text: string;
  /** Fused relevance in [0, 1]. */
  score: number;
}

export interface RetrievalResult {
  passages: RetrievedPassage[];
  /** In [0, 1]; the engine treats the knowledge base as having no answer below the tenant's threshold. */
  confidence: number;
  /** The knowledge-base version the passages came from, for citations; null when the tenant has none. */
  kbVersion: number | null;
}

export interface RetrievalOptions {
  k?: number;
  category?: string;
  /** URL prefix filter. */
  source?: string;
}

/** What the chat engine and voice bridge ask of the knowledge base. Always scoped to one tenant. */
export abstract class KnowledgeRetriever {
  abstract retrieve(businessId: string, query: string, options?: RetrievalOptions): Promise<RetrievalResult>;
  /**
   * The id of the tenant's active knowledge-base version (unique across tenants and time, unlike its number), null
   * without one: what a reply derived from the knowledge base depends on. Cached briefly; a version change is seen
   * at once on the instance that made it and through the version notice on the others.
   */
  abstract activeVersionId(businessId: string): Promise<string | null>;
}
