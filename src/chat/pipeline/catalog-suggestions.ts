import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { LocalEmbeddingProvider } from 'src/rag/embeddings/local-embedding.provider';
import { type CatalogItem, catalogOf } from 'src/tenant/catalog';
import type { TenantConfig } from 'src/tenant/tenant-config';

/**
 * Cosine similarity a question must reach with an item (its name, or its name and description, whichever is closer).
 * Tuned on a plumbing catalog: "my shower drain is clogged" reaches drain cleaning (0.30), "thanks" or "how much does
 * it cost?" reach nothing (at most 0.22).
 */
export const SUGGESTION_THRESHOLD = 0.25;
export const MAX_SUGGESTIONS = 3;

interface IndexedItem {
  item: CatalogItem;
  /** The name alone (a short name is diluted by a long description), and name with description. */
  vectors: Float32Array[];
}

/**
 * The catalog items closest to a visitor's question, offered as buttons under a model reply: the local embedder
 * (the hashed features retrieval and the offline intent classifier use) over each item's name and description, best
 * first, above SUGGESTION_THRESHOLD, at most MAX_SUGGESTIONS. It runs offline whatever the model provider: a surface
 * match (shared words, stems, synonyms), not a semantic one. Item vectors are built once per config version.
 */
@Injectable()
export class CatalogSuggestions {
  private readonly embedder = new LocalEmbeddingProvider();
  private readonly tenants = new LRUCache<string, IndexedItem[]>({ max: 500 });

  suggest(business: TenantConfig, question: string): CatalogItem[] {
    const items = this.indexOf(business);
    if (!items.length || !question.trim()) return [];
    const query = this.embedder.embedOne(question);
    return items
      .map(({ item, vectors }) => ({ item, score: Math.max(...vectors.map((v) => dot(query, v))) }))
      .filter((s) => s.score >= SUGGESTION_THRESHOLD)
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_SUGGESTIONS)
      .map((s) => s.item);
  }

  private indexOf(business: TenantConfig): IndexedItem[] {
    const key = `${business.businessId}:${business.version}`;
    let items = this.tenants.get(key);
    if (!items) {
      items = catalogOf(business.catalog).map((item) => ({
        item,
        vectors: [
          this.embedder.embedOne(item.name),
          ...(item.description ? [this.embedder.embedOne(`${item.name}. ${item.description}`)] : []),
        ],
      }));
      this.tenants.set(key, items);
    }
    return items;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
