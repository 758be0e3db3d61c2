import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { AppConfig } from 'src/config/app-config.service';
import { KB_VERSION_CHANNEL } from 'src/rag/knowledge-version.types';
import { KeywordIndex } from 'src/rag/search/keyword-index';
import type { ExpandedQuery } from 'src/rag/search/query-expansion';
import { ChunkFilter, KbChunkRepository, KeywordHit } from 'src/rag/storage/kb-chunk.repository';
import { ActiveVersion, KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';

interface Build {
  versionId: string;
  done: Promise<void>;
}

interface Entry {
  /** The version row the index was built from (unique across tenants and time). */
  versionId: string;
  version: number;
  index: KeywordIndex;
}

/** Tenants remembered as served by Postgres (over the size cap); bounded like every tenant-keyed map. */
const MAX_REMEMBERED_FALLBACKS = 10_000;

/**
 * Each tenant's keyword index for its active knowledge-base version, in memory (BM25, see KeywordIndex), so a
 * grounded chat turn no longer sends a full-text query to Postgres. Postgres full-text stays the fallback: while a
 * tenant's index is being built (the build runs in the background, never inside the turn), for tenants with more
 * served chunks than KB_KEYWORD_INDEX_MAX_CHUNKS, and everywhere when KB_KEYWORD_INDEX_CACHE_MB is 0.
 *
 * An index is keyed by the version row's id, and a version's chunk set never changes, so an index can only be
 * outdated by the tenant moving to another version. The version notices (pub/sub, every instance) drop the outdated
 * index at once and rebuild it for tenants this instance was serving; a lost notice is still caught by the next
 * search, which sees a new active version through the active-version cache. The cache is bounded by estimated bytes
 * and evicts the least recently searched tenants.
 */
@Injectable()
export class KeywordIndexCache implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KeywordIndex');
  private readonly entries: LRUCache<string, Entry> | null;
  private readonly maxChunks: number;
  /**
   * The build that may store its result, per tenant: concurrent turns start one build, not one each, and a build
   * that is no longer the tenant's entry here (a notice removed it, or a build for a newer version replaced it) is
   * discarded when it ends, so what it read before a change is never kept.
   */
  private readonly building = new Map<string, Build>();
  /** Every build and catch-up still running, including superseded ones, so shutdown can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Tenant → version row id found over the size cap, so the cap is checked once per version, not per turn. */
  private readonly oversized = new LRUCache<string, string>({ max: MAX_REMEMBERED_FALLBACKS });
  private unsubscribe?: Unsubscribe;

  constructor(
    private readonly chunks: KbChunkRepository,
    private readonly versions: KbVersionRepository,
    private readonly pubsub: PubSub,
    config: AppConfig,
  ) {
    const maxBytes = config.get('KB_KEYWORD_INDEX_CACHE_MB') * 1024 * 1024;
    this.maxChunks = config.get('KB_KEYWORD_INDEX_MAX_CHUNKS');
    this.entries = maxBytes > 0 ? new LRUCache({ maxSize: maxBytes, sizeCalculation: (e) => e.index.bytes }) : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.entries) this.unsubscribe = await this.pubsub.subscribe(KB_VERSION_CHANNEL, (raw) => this.onNotice(raw));
  }

  /** Before the database closes: stop taking notices and let builds already running finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Keyword candidates among `active`'s served chunks, best first. From memory when the tenant's index is built;
   * otherwise from Postgres (and the build starts in the background). `allowed` is the filtered subset of chunk ids
   * when the search has a filter; Postgres applies `filter` itself.
   */
  async search(
    businessId: string,
    active: ActiveVersion,
    query: ExpandedQuery,
    limit: number,
    filter: ChunkFilter,
    allowed: ReadonlySet<number> | null,
  ): Promise<KeywordHit[]> {
    if (!query.tsquery) return [];
    const index = this.ready(businessId, active);
    if (index) return index.search(query, limit, allowed);
    this.startBuild(businessId, active);
    return this.chunks.keywordSearch(businessId, active.version, query.tsquery, limit, filter);
  }

  /** The version whose index this instance holds for the tenant, if any. */
  heldVersion(businessId: string): number | null {
    return this.entries?.peek(businessId)?.version ?? null;
  }

  /** Resolves once no build for the tenant is running (tests and warm-up use it; searches never wait). */
  async settled(businessId: string): Promise<void> {
    for (let running = this.building.get(businessId); running; running = this.building.get(businessId)) {
      await running.done;
    }
  }

  private ready(businessId: string, active: ActiveVersion): KeywordIndex | null {
    const entry = this.entries?.get(businessId);
    return entry?.versionId === active.id ? entry.index : null;
  }

  private startBuild(businessId: string, active: ActiveVersion): void {
    if (!this.entries || this.oversized.get(businessId) === active.id) return;
    if (this.building.get(businessId)?.versionId === active.id) return;
    const ticket: Build = { versionId: active.id, done: Promise.resolve() };
    this.building.set(businessId, ticket);
    ticket.done = this.build(businessId, active, ticket)
      .catch((err: Error) => this.logger.warn({ event: 'kb_keyword_index_failed', businessId, err: err.message }))
      .finally(() => {
        if (this.building.get(businessId) === ticket) this.building.delete(businessId);
      });
    this.track(ticket.done);
  }

  private async build(businessId: string, active: ActiveVersion, ticket: Build): Promise<void> {
    const count = await this.chunks.servedCount(businessId, active.version);
    if (count > this.maxChunks) {
      this.oversized.set(businessId, active.id);
      this.logger.log({ event: 'kb_keyword_index_skipped', businessId, chunks: count, maxChunks: this.maxChunks });
      return;
    }
    const index = await KeywordIndex.build(await this.chunks.keywordDocuments(businessId, active.version));
    // A notice arrived meanwhile: what was built may already be outdated, and the notice started its own build.
    if (this.building.get(businessId) !== ticket || !this.entries) return;
    if (index.bytes > this.entries.maxSize) {
      this.oversized.set(businessId, active.id);
      this.logger.log({ event: 'kb_keyword_index_skipped', businessId, bytes: index.bytes });
      return;
    }
    this.entries.set(businessId, { versionId: active.id, version: active.version, index });
    this.logger.log({
      event: 'kb_keyword_index_built',
      businessId,
      version: active.version,
      chunks: index.size,
      bytes: index.bytes,
    });
  }

  private onNotice(raw: string): void {
    let notice: { businessId?: unknown; version?: unknown };
    try {
      notice = JSON.parse(raw) as typeof notice;
    } catch {
      return;
    }
    const businessId = notice.businessId;
    if (typeof businessId !== 'string') return;
    this.oversized.delete(businessId);
    const held = this.entries?.delete(businessId) ?? false;
    // A build still running for the old version is discarded when it ends (it is no longer the tenant's build).
    const building = this.building.delete(businessId);
    // Tenants this instance serves get the new version's index before their next turn; others build on demand.
    if ((held || building) && notice.version !== null && this.unsubscribe) {
      this.track(
        this.versions
          .active(businessId)
          .then((active) => active && this.startBuild(businessId, active))
          .catch((err: Error) => this.logger.warn({ event: 'kb_keyword_index_failed', businessId, err: err.message })),
      );
    }
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
