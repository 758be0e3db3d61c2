import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import type { PreparedDocument, SourceType } from 'src/rag/processing/source-document';

export interface DocumentSummaryRow {
  id: string;
  url: string | null;
  title: string | null;
  category: string | null;
  sourceType: SourceType;
  chunkCount: number;
  searchableChunkCount: number;
  updatedAt: Date;
}

export interface StoredDocument {
  id: string;
  ordinal: number;
}

@Injectable()
export class KbDocumentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  /** Finds the document by its source key (URL, title or text hash) and refreshes its fields, or creates it. */
  async upsert(businessId: string, doc: PreparedDocument, em?: EntityManager): Promise<StoredDocument> {
    const rows: Array<{ id: string; ordinal: string }> = await this.q(em).query(
      `INSERT INTO kb_documents (business_id, source_key, source_type, url, title, category, metadata, content_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (business_id, source_key) DO UPDATE SET
         source_type = EXCLUDED.source_type, url = EXCLUDED.url, title = EXCLUDED.title, category = EXCLUDED.category,
         metadata = EXCLUDED.metadata, content_hash = EXCLUDED.content_hash,
         updated_at = CASE WHEN kb_documents.content_hash = EXCLUDED.content_hash THEN kb_documents.updated_at ELSE now() END
       RETURNING id, ordinal`,
      [
        businessId,
        doc.sourceKey,
        doc.sourceType,
        doc.url,
        doc.title,
        doc.category,
        JSON.stringify(doc.metadata),
        doc.contentHash,
      ],
    );
    return { id: rows[0].id, ordinal: Number(rows[0].ordinal) };
  }

  async ordinals(businessId: string, ids: string[], em?: EntityManager): Promise<Map<string, number>> {
    const rows: Array<{ id: string; ordinal: string }> = await this.q(em).query(
      'SELECT id, ordinal FROM kb_documents WHERE business_id = $1 AND id = ANY($2::uuid[])',
      [businessId, ids],
    );
    return new Map(rows.map((r) => [r.id, Number(r.ordinal)]));
  }

  /** Of `ids`, the documents that came from a crawl of a URL starting with `prefix`. */
  async crawledUnder(businessId: string, ids: string[], prefix: string, em?: EntityManager): Promise<string[]> {
    if (!ids.length) return [];
    const rows: Array<{ id: string }> = await this.q(em).query(
      `SELECT id FROM kb_documents WHERE business_id = $1 AND id = ANY($2::uuid[]) AND source_type = 'crawl' AND starts_with(coalesce(url, ''), $3)`,
      [businessId, ids, prefix],
    );
    return rows.map((r) => r.id);
  }

  /** Documents served by a version, with how many of their chunks it holds and serves. */
  async listInVersion(businessId: string, version: number, em?: EntityManager): Promise<DocumentSummaryRow[]> {
    const rows: Array<Record<string, unknown>> = await this.q(em).query(
      `SELECT d.id, d.url, d.title, d.category, d.source_type, d.updated_at,
              count(*)::int AS chunk_count, count(*) FILTER (WHERE vc.searchable)::int AS searchable_count
         FROM kb_version_chunks vc
         JOIN kb_documents d ON d.id = vc.document_id AND d.business_id = vc.business_id
        WHERE vc.business_id = $1 AND vc.version = $2
        GROUP BY d.id
        ORDER BY d.ordinal`,
      [businessId, version],
    );
    return rows.map((r) => ({
      id: r.id as string,
      url: r.url as string | null,
      title: r.title as string | null,
      category: r.category as string | null,
      sourceType: r.source_type as SourceType,
      chunkCount: r.chunk_count as number,
      searchableChunkCount: r.searchable_count as number,
      updatedAt: r.updated_at as Date,
    }));
  }

  /** Documents no retained version references (after pruning), older than the grace period an in-flight job needs. */
  async deleteUnreferenced(businessId: string, graceSeconds: number, em?: EntityManager): Promise<void> {
    await this.q(em).query(
      `DELETE FROM kb_documents d
        WHERE d.business_id = $1 AND d.updated_at < now() - make_interval(secs => $2)
          AND NOT EXISTS (SELECT 1 FROM kb_version_chunks vc WHERE vc.business_id = $1 AND vc.document_id = d.id)
          AND NOT EXISTS (SELECT 1 FROM kb_chunks c WHERE c.document_id = d.id AND c.created_at >= now() - make_interval(secs => $2))`,
      [businessId, graceSeconds],
    );
  }
}
