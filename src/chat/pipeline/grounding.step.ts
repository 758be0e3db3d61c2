import { Injectable, Logger } from '@nestjs/common';

import type { ChatSource } from 'src/chat/chat-turn.types';
import { DEFAULT_MIN_CONFIDENCE, KnowledgeRetriever, RetrievedPassage } from 'src/rag/knowledge-retriever.port';
import type { TenantConfig } from 'src/tenant/tenant-config';

const PASSAGES_PER_TURN = 4;

/**
 * Step 6. Retrieval from the tenant's knowledge base. A retrieval failure costs the turn its grounding, not the
 * reply: the model is then told nothing matched, and says it does not have that information.
 */
@Injectable()
export class GroundingStep {
  private readonly logger = new Logger('GroundingStep');

  constructor(private readonly retriever: KnowledgeRetriever) {}

  async retrieve(business: TenantConfig, query: string): Promise<RetrievedPassage[]> {
    if (!query.trim()) return [];
    try {
      const result = await this.retriever.retrieve(business.businessId, query, { k: PASSAGES_PER_TURN });
      const threshold = business.settings?.ragMinConfidence ?? DEFAULT_MIN_CONFIDENCE;
      return result.confidence >= threshold ? result.passages.slice(0, PASSAGES_PER_TURN) : [];
    } catch (err) {
      this.logger.warn({ businessId: business.businessId, err: (err as Error).message }, 'knowledge retrieval failed');
      return [];
    }
  }
}

/** Citations for the client: passages with a URL, one per URL. */
export function sourcesOf(passages: RetrievedPassage[]): ChatSource[] {
  const seen = new Set<string>();
  const sources: ChatSource[] = [];
  for (const p of passages) {
    if (!p.url || seen.has(p.url)) continue;
    seen.add(p.url);
    sources.push({ title: p.title ?? p.url, url: p.url, chunkId: p.chunkId });
  }
  return sources;
}
