import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import { KB_VERSION_CHANNEL, type KnowledgeVersionNotice } from 'src/rag/knowledge-version.types';
import { RagSearchErrorCatalogue } from 'src/rag/rag-search.errors';
import { ActiveVersionCache } from 'src/rag/search/active-version.cache';
import { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import { ActiveVersion, KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import { VectorIndex, VectorIndexRegistry, VectorIndexState, VectorRow } from 'src/rag/vector-index.port';
import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';

/** Cross-instance notice: a tenant's active knowledge-base version changed (null: the tenant was deleted). */

/** Upper bound on serving an older version after a lost notice; notices themselves take effect at once. */
const ACTIVE_VERSION_TTL_MS = 2000;

/**
 * Stored vectors read per query during a rebuild: ~1.5 MB at 768 dimensions, a quarter of the 2,000-row pages whose
 * decoding and packing were the main thread's longest rebuild slices; the next page is read while the worker builds
 * the current one, so the extra round trips of smaller pages do not lengthen a rebuild.
 */
const LOAD_PAGE = 500;

/**
 * Keeps each tenant's vector index equal to its active version in Postgres. Searches read the active version through
 * a short-lived cache (a chat turn would otherwise pay one more SQL round trip, even for a tenant without a knowledge
 * base); every version change is announced by pub/sub, which invalidates the entry on every instance (this one
 * synchronously, before the change's request returns), and the TTL bounds staleness if a notice is ever lost. Moving between versions applies the difference of their chunk sets
 * (add/markDelete with stored vectors, never re-embedding); anything the difference cannot explain is rebuilt.
 */
@Injectable()
export class KnowledgeIndexService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KnowledgeIndex');
  private readonly syncing = new Map<string, Promise<VectorIndex>>();
  private readonly activeVersions = new ActiveVersionCache(ACTIVE_VERSION_TTL_MS);
  private unsubscribe?: Unsubscribe;
  private readonly catchUps = new Set<Promise<void>>();
  private readonly catchingUp = new Set<string>();
  private closing = false;

  constructor(
    private readonly registry: VectorIndexRegistry,
    private readonly versions: KbVersionRepository,
    private readonly chunks: KbChunkRepository,
    private readonly embedder: ChunkEmbedder,
    private readonly pubsub: PubSub,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(KB_VERSION_CHANNEL, (raw) => this.onNotice(raw));
  }

  /** Before the database closes: stop taking notices and let catch-ups already running finish (or abandon a rebuild). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
    await Promise.allSettled([...this.catchUps]);
  }

  /** The tenant's active version as searches should see it (cached; see the class comment). */
  activeVersion(businessId: string): Promise<ActiveVersion | null> {
    return this.activeVersions.get(businessId, () => this.versions.active(businessId));
  }

  /**
   * The tenant's index if it already answers for `active`, without waiting. Otherwise null, and the index is brought
   * up to date in the background (opened, moved by difference or rebuilt): a search meanwhile is served by keyword
   * retrieval alone rather than waiting for a build that can take minutes.
   */
  readyIndexFor(businessId: string, active: ActiveVersion): VectorIndex | null {
    const index = this.registry.ready(businessId);
    if (index && index.modelId === this.embedder.modelId && sameState(index.state, stateOf(active))) return index;
    if (!this.closing && !this.syncing.has(businessId) && !this.catchingUp.has(businessId)) {
      // One catch-up per tenant: a burst of first searches must not each read the active version.
      this.catchingUp.add(businessId);
      this.track(
        businessId,
        this.catchUp(businessId).finally(() => this.catchingUp.delete(businessId)),
      );
    }
    return null;
  }

  /** The tenant's index, brought to `active` first. */
  async indexFor(businessId: string, active: ActiveVersion): Promise<VectorIndex> {
    // One sync per tenant at a time; a caller arriving during a sync re-checks afterwards.
    for (;;) {
      const running = this.syncing.get(businessId);
      if (!running) break;
      await running.catch(() => undefined);
    }
    // The registry may free an index between being handed out and being updated (byte budget, lost worker): the
    // second attempt reopens it from disk or rebuilds it.
    const job = this.sync(businessId, active).catch((err: Error) => {
      if (!(err instanceof AppError) || err.code !== RagSearchErrorCatalogue.INDEX_RELEASED.code) throw err;
      return this.sync(businessId, active);
    });
    this.syncing.set(businessId, job);
    try {
      return await job;
    } finally {
      if (this.syncing.get(businessId) === job) this.syncing.delete(businessId);
    }
  }

  /** Tells the other instances (and this one) that the tenant's active version changed. */
  async announce(businessId: string, version: number | null): Promise<void> {
    // Locally first: this instance's own notice comes back asynchronously, after the caller may have answered.
    this.activeVersions.invalidate(businessId);
    await this.pubsub
      .publish(KB_VERSION_CHANNEL, JSON.stringify({ businessId, version } satisfies KnowledgeVersionNotice))
      .catch((err: Error) => {
        this.logger.warn({ businessId, err: err.message }, 'knowledge-base version notice not published');
      });
  }

  async drop(businessId: string): Promise<void> {
    await this.registry.drop(businessId);
  }

  private async sync(businessId: string, active: ActiveVersion): Promise<VectorIndex> {
    const expected = stateOf(active);
    const options = {
      modelId: this.embedder.modelId,
      dimension: this.embedder.dimension,
      loader: () => this.loadRows(businessId, active.version),
    };
    const cached = await this.registry.status(businessId);
    if (cached && !sameState(cached.state, expected) && cached.modelId === options.modelId) {
      // This instance holds an older version in memory: move it forward by difference.
      const current = await this.registry.forTenant(businessId, options);
      if (await this.applyDifference(businessId, current, expected)) return current;
      await this.registry.invalidate(businessId);
    }
    // The cache, else a file verified against the expected state, else a rebuild from Postgres.
    return this.registry.forTenant(businessId, { ...options, expected });
  }

  private async applyDifference(businessId: string, index: VectorIndex, target: VectorIndexState): Promise<boolean> {
    const from = index.state;
    if (from.kbVersion === null) return false;
    const base = await this.versions.find(businessId, from.kbVersion);
    if (!base || base.id !== from.checksum) return false;
    const [before, after] = await Promise.all([
      this.versions.searchableIds(businessId, from.kbVersion),
      this.versions.searchableIds(businessId, target.kbVersion!),
    ]);
    const had = new Set(before);
    const has = new Set(after);
    const removed = before.filter((id) => !has.has(id));
    const added = after.filter((id) => !had.has(id));
    await index.remove(removed);
    for await (const rows of this.rowsOf(businessId, added)) await index.upsert(rows);
    await index.commit(target);
    this.logger.log({
      event: 'vector_index_synced',
      businessId,
      version: target.kbVersion,
      added: added.length,
      removed: removed.length,
    });
    return true;
  }

  private async *loadRows(businessId: string, version: number): AsyncIterable<VectorRow[]> {
    for await (const rows of this.rowsOf(businessId, await this.versions.searchableIds(businessId, version))) {
      // A full rebuild can take minutes and is only a cache: shutting down abandons it (the next start rebuilds)
      // instead of holding the process until it ends.
      if (this.closing) throw new Error('index rebuild abandoned: shutting down');
      yield rows;
    }
  }

  /**
   * Stored vectors of `ids`, page by page, so a large set is never decoded in one event-loop turn. The next page is
   * read while the caller hands the current one to the index worker, so the reads overlap the build.
   */
  private async *rowsOf(businessId: string, ids: number[]): AsyncIterable<VectorRow[]> {
    // Normally a no-op: ingestion embeds before committing. After a model change this re-embeds once.
    await this.embedder.ensure(businessId, ids);
    const read = (start: number) =>
      this.chunks.vectors(businessId, ids.slice(start, start + LOAD_PAGE), this.embedder.modelId);
    let next = ids.length ? read(0) : null;
    try {
      for (let start = 0; next; start += LOAD_PAGE) {
        const page = await next;
        next = start + LOAD_PAGE < ids.length ? read(start + LOAD_PAGE) : null;
        yield page.map((v) => ({ label: v.id, vector: v.vector }));
      }
    } finally {
      // Abandoned midway (shutdown, a failed upsert): the read already under way must not end as an unhandled rejection.
      void next?.catch(() => undefined);
    }
  }

  private onNotice(raw: string): void {
    let notice: KnowledgeVersionNotice;
    try {
      notice = JSON.parse(raw) as KnowledgeVersionNotice;
    } catch {
      return;
    }
    if (typeof notice.businessId !== 'string') return;
    this.activeVersions.invalidate(notice.businessId);
    if (!this.unsubscribe) return;
    const { businessId } = notice;
    this.track(businessId, notice.version === null ? this.registry.drop(businessId) : this.warm(businessId));
  }

  /** Background index work, awaited on shutdown so it never outlives the database connection. */
  private track(businessId: string, work: Promise<void>): void {
    const tracked = work
      .catch((err: Error) => this.logger.warn({ event: 'kb_index_catch_up_failed', businessId, err: err.message }))
      .finally(() => this.catchUps.delete(tracked));
    this.catchUps.add(tracked);
  }

  /** Brings the index to the active version read fresh from Postgres (the search's cached one may be stale). */
  private async catchUp(businessId: string): Promise<void> {
    const active = await this.versions.active(businessId);
    if (active) await this.indexFor(businessId, active);
  }

  /** Only tenants this instance already serves are brought forward; others load on their first search. */
  private async warm(businessId: string): Promise<void> {
    if (await this.registry.status(businessId)) await this.catchUp(businessId);
  }
}

function stateOf(active: ActiveVersion): VectorIndexState {
  return { kbVersion: active.version, checksum: active.id };
}

function sameState(a: VectorIndexState, b: VectorIndexState): boolean {
  return a.kbVersion === b.kbVersion && a.checksum === b.checksum;
}
