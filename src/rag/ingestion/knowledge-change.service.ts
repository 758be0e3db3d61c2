import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AppConfig } from 'src/config/app-config.service';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import { planSearchable } from 'src/rag/processing/chunk-planner';
import { PreparedDocument } from 'src/rag/processing/source-document';
import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import { KbDocumentRepository } from 'src/rag/storage/kb-document.repository';
import { ActiveVersion, KbVersionRepository, VersionRow } from 'src/rag/storage/kb-version.repository';

export interface ChangeRequest {
  upsert: PreparedDocument[];
  /** Document ids to remove from the knowledge base. */
  remove: string[];
  /**
   * A complete crawl of a site replaces it: crawled documents under this URL prefix that the crawl did not return
   * (the page is gone) leave the knowledge base.
   */
  replaceCrawledUnder?: string;
  reason: 'ingest' | 'delete';
  jobId: string | null;
}

export interface ChangeCounts {
  [key: string]: number;
  documents: number;
  unchangedDocuments: number;
  chunks: number;
  added: number;
  removed: number;
  embedded: number;
  boilerplate: number;
  duplicates: number;
}

export interface ChangeResult {
  /** The new active version, or null when nothing changed. */
  version: number | null;
  counts: ChangeCounts;
}

export type ProgressFn = (fraction: number, message: string) => Promise<void>;

/** Rows stay in the database this long unreferenced, so a job that inserted them but has not committed yet keeps them. */
const UNREFERENCED_GRACE_SECONDS = 3600;
const MAX_ATTEMPTS = 3;

/**
 * The one way the knowledge base changes. Work that can be slow (chunk rows, embeddings) happens outside the
 * transaction; the commit then takes the tenant's advisory lock, checks the base version is still active (else the
 * plan is recomputed) and writes the next version, which the index follows by difference.
 */
@Injectable()
export class KnowledgeChangeService {
  private readonly logger = new Logger('KnowledgeChange');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly documents: KbDocumentRepository,
    private readonly chunks: KbChunkRepository,
    private readonly versions: KbVersionRepository,
    private readonly embedder: ChunkEmbedder,
    private readonly index: KnowledgeIndexService,
    private readonly config: AppConfig,
  ) {}

  async apply(
    businessId: string,
    change: ChangeRequest,
    progress: ProgressFn = () => Promise.resolve(),
  ): Promise<ChangeResult> {
    // Document and chunk rows are idempotent upserts, so they are written once, before any retry of the commit.
    const incoming = new Map<string, number[]>();
    for (const [i, doc] of change.upsert.entries()) {
      const stored = await this.documents.upsert(businessId, doc);
      incoming.set(stored.id, await this.chunks.upsertForDocument(businessId, stored.id, doc));
      if (i % 20 === 19)
        await progress((0.3 * (i + 1)) / change.upsert.length, `Stored ${i + 1} of ${change.upsert.length} documents`);
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const base = await this.versions.active(businessId);
      const baseRows = base ? await this.versions.rows(businessId, base.version) : [];
      const vanished = change.replaceCrawledUnder
        ? await this.documents.crawledUnder(
            businessId,
            [...new Set(baseRows.map((r) => r.documentId))],
            change.replaceCrawledUnder,
          )
        : [];
      const plan = await this.plan(businessId, baseRows, incoming, [
        ...change.remove,
        ...vanished.filter((id) => !incoming.has(id)),
      ]);
      if (!plan.changed) {
        return { version: null, counts: { ...plan.counts, unchangedDocuments: countUnchanged(baseRows, incoming) } };
      }
      await progress(0.35, `Embedding ${plan.toEmbed.length} chunks`);
      const embedded = await this.embedder.ensure(businessId, plan.toEmbed, (done, total) =>
        progress(0.35 + (0.55 * done) / Math.max(total, 1), `Embedded ${done} of ${total} new chunks`),
      );
      const committed = await this.commit(businessId, base, change, plan.rows, plan.counts);
      if (!committed) continue;
      await progress(0.95, 'Updating the search index');
      await this.index.indexFor(businessId, committed);
      await this.index.announce(businessId, committed.version);
      const counts = { ...plan.counts, embedded, unchangedDocuments: countUnchanged(baseRows, incoming) };
      this.logger.log({ event: 'kb_version_created', businessId, version: committed.version, ...counts });
      return { version: committed.version, counts };
    }
    throw KnowledgeErrors.concurrentChange();
  }

  private async plan(businessId: string, baseRows: VersionRow[], incoming: Map<string, number[]>, remove: string[]) {
    const removedDocs = new Set(remove);
    for (const docId of incoming.keys()) removedDocs.add(docId);
    const kept = baseRows.filter((r) => !removedDocs.has(r.documentId));
    const orders = await this.documentOrders(businessId, baseRows, incoming);
    const fresh = [...incoming.entries()].flatMap(([documentId, ids]) =>
      ids.map((chunkId, chunkIndex) => ({
        chunkId,
        documentId,
        chunkIndex,
        documentOrder: orders.get(documentId)!,
        contentHash: '',
      })),
    );
    await this.fillHashes(businessId, fresh);
    const all = [...kept, ...fresh];
    const { searchable, boilerplate, duplicates } = planSearchable(all);
    const rows = uniqueRows(all).map((r) => ({
      chunkId: r.chunkId,
      documentId: r.documentId,
      searchable: searchable.has(r.chunkId),
    }));
    const before = new Map(baseRows.map((r) => [r.chunkId, r.searchable]));
    const changed = rows.length !== baseRows.length || rows.some((r) => before.get(r.chunkId) !== r.searchable);
    const wasServed = new Set(baseRows.filter((r) => r.searchable).map((r) => r.chunkId));
    const toEmbed = [...searchable];
    const counts: ChangeCounts = {
      documents: new Set(rows.map((r) => r.documentId)).size,
      unchangedDocuments: 0,
      chunks: searchable.size,
      added: toEmbed.filter((id) => !wasServed.has(id)).length,
      removed: [...wasServed].filter((id) => !searchable.has(id)).length,
      embedded: 0,
      boilerplate,
      duplicates,
    };
    return { changed, rows, toEmbed: toEmbed.filter((id) => !wasServed.has(id)), counts };
  }

  private async commit(
    businessId: string,
    base: ActiveVersion | null,
    change: ChangeRequest,
    rows: Array<{ chunkId: number; documentId: string; searchable: boolean }>,
    counts: ChangeCounts,
  ): Promise<ActiveVersion | null> {
    return this.dataSource.transaction(async (em) => {
      await this.versions.lockTenant(businessId, em);
      const now = await this.versions.active(businessId, em);
      if ((now?.id ?? null) !== (base?.id ?? null)) return null;
      const created = await this.versions.createActive(
        businessId,
        { reason: change.reason, jobId: change.jobId, stats: { added: counts.added, removed: counts.removed }, rows },
        em,
      );
      await this.versions.prune(businessId, this.config.get('KB_MAX_VERSIONS'), em);
      await this.chunks.deleteUnreferenced(businessId, UNREFERENCED_GRACE_SECONDS, em);
      await this.documents.deleteUnreferenced(businessId, UNREFERENCED_GRACE_SECONDS, em);
      return created;
    });
  }

  private async documentOrders(
    businessId: string,
    baseRows: VersionRow[],
    incoming: Map<string, number[]>,
  ): Promise<Map<string, number>> {
    const orders = new Map(baseRows.map((r) => [r.documentId, r.documentOrder]));
    const missing = [...incoming.keys()].filter((id) => !orders.has(id));
    if (missing.length)
      for (const [id, ordinal] of await this.documents.ordinals(businessId, missing)) orders.set(id, ordinal);
    return orders;
  }

  private async fillHashes(businessId: string, rows: Array<{ chunkId: number; contentHash: string }>): Promise<void> {
    const hashes = await this.chunks.contentHashes(
      businessId,
      rows.map((r) => r.chunkId),
    );
    for (const r of rows) r.contentHash = hashes.get(r.chunkId)!;
  }
}

/** A document listing the same chunk row twice (identical text at two positions) is stored once per version. */
function uniqueRows<T extends { chunkId: number }>(rows: T[]): T[] {
  const seen = new Set<number>();
  return rows.filter((r) => (seen.has(r.chunkId) ? false : (seen.add(r.chunkId), true)));
}

function countUnchanged(baseRows: VersionRow[], incoming: Map<string, number[]>): number {
  const byDoc = new Map<string, number[]>();
  for (const r of baseRows) byDoc.set(r.documentId, [...(byDoc.get(r.documentId) ?? []), r.chunkId]);
  let unchanged = 0;
  for (const [docId, ids] of incoming) {
    const before = (byDoc.get(docId) ?? []).sort((a, b) => a - b).join(',');
    if (before === [...ids].sort((a, b) => a - b).join(',')) unchanged++;
  }
  return unchanged;
}
