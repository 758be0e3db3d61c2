import { createHash } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import type { ChatSource } from 'src/chat/chat-turn.types';
import { AppConfig } from 'src/config/app-config.service';
import type { Channel } from 'src/conversation/session-state';
import { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { KeyValueStore } from 'src/redis/key-value-store.port';
import type { TenantConfig } from 'src/tenant/tenant-config';

/**
 * The experiment variants a reply was produced under (`exp=variant&…`, see the experiments module), so two variants
 * never share a reply; this outside experiments.
 */
export const NO_VARIANT = 'none';

/** Everything a visitor-independent reply depends on; any change makes the older entries unreachable. */
export interface ResponseCacheKey {
  businessId: string;
  question: string;
  /** The active knowledge-base version's id (null: no knowledge base). */
  kbVersionId: string | null;
  /** The tenant config's version, bumped by every config write. */
  configVersion: number;
  variant: string;
  channel: Channel;
}

/** A validated model reply as the model path produced it; CTAs are not stored, they are computed per session. */
export interface CachedReply {
  text: string;
  sources: ChatSource[];
  provider: string;
}

/** Counts since start, for a metrics module to read; per instance, never per tenant. */
export interface ResponseCacheCounts {
  hits: number;
  misses: number;
  stores: number;
  errors: number;
}

/**
 * Case, Unicode form, spacing and closing punctuation do not change what a question asks; anything else does
 * (no stemming or synonyms: a wrong hit would answer another question).
 */
export function normalizeQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.!?¿¡…]+$/u, '')
    .trim();
}

/** Namespaced by tenant; the rest is hashed so a long question never makes a long key. */
export function responseCacheKey(key: ResponseCacheKey): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([normalizeQuestion(key.question), key.kbVersionId, key.configVersion, key.variant, key.channel]),
    )
    .digest('base64url');
  return `response-cache:${key.businessId}:${digest}`;
}

/**
 * Model replies to questions whose answer does not depend on the visitor, shared by every instance through the
 * KeyValueStore (Redis, or in-process without it). Invalidation is by key: the key carries the knowledge-base and
 * config versions, so a change on any instance makes older entries unreachable at once, and they expire within the
 * TTL. The cache never fails a turn: a store error counts as a miss.
 */
@Injectable()
export class ResponseCache {
  private readonly logger = new Logger('ResponseCache');
  private readonly ttlSeconds: number;
  private readonly counts: ResponseCacheCounts = { hits: 0, misses: 0, stores: 0, errors: 0 };

  constructor(
    private readonly store: KeyValueStore,
    private readonly knowledge: KnowledgeRetriever,
    config: AppConfig,
  ) {
    this.ttlSeconds = config.get('RESPONSE_CACHE_TTL_S');
  }

  private get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  /** The key for this question now; null (no caching) when the cache is off or the versions cannot be read. */
  async keyFor(
    business: TenantConfig,
    question: string,
    channel: Channel,
    variant = NO_VARIANT,
  ): Promise<ResponseCacheKey | null> {
    if (!this.enabled) return null;
    try {
      const kbVersionId = await this.knowledge.activeVersionId(business.businessId);
      return {
        businessId: business.businessId,
        question,
        kbVersionId,
        configVersion: business.version,
        variant,
        channel,
      };
    } catch (err) {
      this.counts.errors++;
      this.logger.warn({ businessId: business.businessId, err: (err as Error).message }, 'response cache skipped');
      return null;
    }
  }

  async lookup(key: ResponseCacheKey): Promise<CachedReply | null> {
    try {
      const raw = await this.store.get(responseCacheKey(key));
      const reply = raw ? parseReply(raw) : null;
      if (reply) this.counts.hits++;
      else this.counts.misses++;
      return reply;
    } catch (err) {
      this.counts.errors++;
      this.counts.misses++;
      this.logger.warn({ businessId: key.businessId, err: (err as Error).message }, 'response cache read failed');
      return null;
    }
  }

  async save(key: ResponseCacheKey, reply: CachedReply): Promise<void> {
    try {
      await this.store.set(responseCacheKey(key), JSON.stringify(reply), this.ttlSeconds);
      this.counts.stores++;
    } catch (err) {
      this.counts.errors++;
      this.logger.warn({ businessId: key.businessId, err: (err as Error).message }, 'response cache write failed');
    }
  }

  /** A copy of the counters, for metrics. */
  snapshot(): ResponseCacheCounts {
    return { ...this.counts };
  }
}

/** An entry written by an older release (or corrupted) is a miss, never a crash. */
function parseReply(raw: string): CachedReply | null {
  try {
    const value = JSON.parse(raw) as Partial<CachedReply>;
    if (typeof value.text !== 'string' || !Array.isArray(value.sources) || typeof value.provider !== 'string') {
      return null;
    }
    return { text: value.text, sources: value.sources, provider: value.provider };
  } catch {
    return null;
  }
}
