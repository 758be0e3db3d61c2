import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import type { PreparedDocument } from 'src/rag/processing/source-document';

export interface ChunkToEmbed {
  id: number;
  title: string | null;
  text: string;
  embedHash: string;
}

export interface ChunkVector {
  id: number;
  vector: Float32Array;
}

export interface ChunkView {
  id: number;
  documentId: string;
  url: string | null;
  title: string | null;
  category: string | null;
  text: string;
  chunkIndex: number;
  metadata: Record<string, unknown>;
}

export interface KeywordHit {
  id: number;
  rank: number;
}

export interface ChunkFilter {
  category?: string;
  /** URL prefix. */
  source?: string;
  /** Only documents updated at or after this instant. */
  updatedSince?: Date;
}

const toVector = (buf: Buffer): Float32Array => {
  // Copy: the Buffer may be a view into a shared pool with an unaligned offset.
  const copy = new Uint8Array(buf);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
};

@Injectable()
export class KbChunkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  /** Stores the document's chunks, reusing rows whose identity (row key) already exists. Ids come back in order. */
  async upsertForDocument(
    businessId: string,
    documentId: string,
    doc: PreparedDocument,
    em?: EntityManager,
  ): Promise<number[]> {
    if (!doc.chunks.length) return [];
    const c = doc.chunks;
    const rows: Array<{ id: number; row_key: string }> = await this.q(em).query(
      `INSERT INTO kb_chunks (business_id, document_id, row_key, content_hash, embed_hash, chunk_index, text, url, title, category, metadata)
       SELECT $1, $2, r.row_key, r.content_hash, r.embed_hash, r.chunk_index, r.text, $3, $4, $5, r.metadata
         FROM unnest($6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::jsonb[])
           AS r(row_key, content_hash, embed_hash, chunk_index, text, metadata)
       -- Touching created_at restarts the grace period, so clean-up cannot delete a row this job is about to reuse.
       ON CONFLICT (business_id, row_key) DO UPDATE SET chunk_index = EXCLUDED.chunk_index, created_at = now()
       RETURNING id, row_key`,
      [
        businessId,
        documentId,
        doc.url,
        doc.title,
        doc.category,
        c.map((x) => x.rowKey),
        c.map((x) => x.contentHash),
        c.map((x) => x.embedHash),
        c.map((x) => x.chunkIndex),
        c.map((x) => x.text),
        c.map((x) => JSON.stringify(x.metadata)),
      ],
    );
    const byKey = new Map(rows.map((r) => [r.row_key, r.id]));
    return c.map((x) => byKey.get(x.rowKey)!);
  }

  async contentHashes(businessId: string, ids: number[], em?: EntityManager): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: number; content_hash: string }> = await this.q(em).query(
      'SELECT id, content_hash FROM kb_chunks WHERE business_id = $1 AND id = ANY($2::int[])',
      [businessId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.content_hash]));
  }

  /** Gives chunks without an embedding for `model` the one already computed for the same embedded text, if any. */
  async copyKnownEmbeddings(businessId: string, ids: number[], model: string, em?: EntityManager): Promise<void> {
    if (!ids.length) return;
    await this.q(em).query(
      `UPDATE kb_chunks c SET embedding = s.embedding, embedding_model = s.embedding_model, embedding_dim = s.embedding_dim
         FROM (SELECT DISTINCT ON (embed_hash) embed_hash, embedding, embedding_model, embedding_dim
                 FROM kb_chunks
                WHERE business_id = $1 AND embedding_model = $2
                  AND embed_hash IN (SELECT embed_hash FROM kb_chunks WHERE business_id = $1 AND id = ANY($3::int[]))) s
        WHERE c.business_id = $1 AND c.id = ANY($3::int[]) AND c.embed_hash = s.embed_hash
          AND c.embedding_model IS DISTINCT FROM $2`,
      [businessId, model, ids],
    );
  }

  async withoutEmbedding(
    businessId: string,
    ids: number[],
    model: string,
    em?: EntityManager,
  ): Promise<ChunkToEmbed[]> {
    if (!ids.length) return [];
    const rows: Array<{ id: number; title: string | null; text: string; embed_hash: string }> = await this.q(em).query(
      `SELECT id, title, text, embed_hash FROM kb_chunks
        WHERE business_id = $1 AND id = ANY($2::int[]) AND embedding_model IS DISTINCT FROM $3
        ORDER BY id`,
      [businessId, ids, model],
    );
    return rows.map((r) => ({ id: r.id, title: r.title, text: r.text, embedHash: r.embed_hash }));
  }

  async saveEmbeddings(
    businessId: string,
    vectors: ChunkVector[],
    model: string,
    dim: number,
    em?: EntityManager,
  ): Promise<void> {
    if (!vectors.length) return;
    await this.q(em).query(
      `UPDATE kb_chunks c SET embedding = v.embedding, embedding_model = $2, embedding_dim = $3
         FROM unnest($4::int[], $5::bytea[]) AS v(id, embedding)
        WHERE c.business_id = $1 AND c.id = v.id`,
      [
        businessId,
        model,
        dim,
        vectors.map((v) => v.id),
        vectors.map((v) => Buffer.from(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength)),
      ],
    );
  }

  /** Stored vectors for `model`; chunks embedded with another model are left out (the caller embeds them first). */
  async vectors(businessId: string, ids: number[], model: string, em?: EntityManager): Promise<ChunkVector[]> {
    if (!ids.length) return [];
    const rows: Array<{ id: number; embedding: Buffer }> = await this.q(em).query(
      `SELECT id, embedding FROM kb_chunks WHERE business_id = $1 AND id = ANY($2::int[]) AND embedding_model = $3`,
      [businessId, ids, model],
    );
    return rows.map((r) => ({ id: r.id, vector: toVector(r.embedding) }));
  }

  /** Full-text candidates among the version's served chunks, best first (ts_rank_cd, title weighted above body). */
  async keywordSearch(
    businessId: string,
    version: number,
    tsquery: string,
    limit: number,
    filter: ChunkFilter,
  ): Promise<KeywordHit[]> {
    const rows: Array<{ id: number; rank: number }> = await this.q().query(
      `SELECT c.id, ts_rank_cd(c.tsv, q, 1 | 32) AS rank
         FROM kb_version_chunks vc
         JOIN kb_chunks c ON c.id = vc.chunk_id AND c.business_id = vc.business_id
         JOIN kb_documents d ON d.id = c.document_id
         , to_tsquery('english', $3) q
        WHERE vc.business_id = $1 AND vc.version = $2 AND vc.searchable AND c.tsv @@ q
          AND ($5::text IS NULL OR c.category = $5)
          AND ($6::text IS NULL OR starts_with(coalesce(c.url, ''), $6))
          AND ($7::timestamptz IS NULL OR d.updated_at >= $7)
        ORDER BY rank DESC, c.id
        LIMIT $4`,
      [
        businessId,
        version,
        tsquery,
        limit,
        filter.category ?? null,
        filter.source ?? null,
        filter.updatedSince ?? null,
      ],
    );
    return rows.map((r) => ({ id: r.id, rank: Number(r.rank) }));
  }

  /** How many chunks a version serves (to decide whether its keyword index fits in memory). */
  async servedCount(businessId: string, version: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.q().query(
      'SELECT count(*)::int AS n FROM kb_version_chunks WHERE business_id = $1 AND version = $2 AND searchable',
      [businessId, version],
    );
    return rows[0].n;
  }

  /** Title and text of every chunk a version serves, for the in-memory keyword index. */
  async keywordDocuments(
    businessId: string,
    version: number,
  ): Promise<Array<{ id: number; title: string | null; text: string }>> {
    return this.q().query(
      `SELECT c.id, c.title, c.text
         FROM kb_version_chunks vc JOIN kb_chunks c ON c.id = vc.chunk_id AND c.business_id = vc.business_id
        WHERE vc.business_id = $1 AND vc.version = $2 AND vc.searchable`,
      [businessId, version],
    );
  }

  /** Served chunk ids of a version that pass a metadata filter (used to restrict the vector search). */
  async filteredIds(businessId: string, version: number, filter: ChunkFilter): Promise<number[]> {
    const rows: Array<{ id: number }> = await this.q().query(
      `SELECT c.id FROM kb_version_chunks vc
         JOIN kb_chunks c ON c.id = vc.chunk_id AND c.business_id = vc.business_id
         JOIN kb_documents d ON d.id = c.document_id
        WHERE vc.business_id = $1 AND vc.version = $2 AND vc.searchable
          AND ($3::text IS NULL OR c.category = $3)
          AND ($4::text IS NULL OR starts_with(coalesce(c.url, ''), $4))
          AND ($5::timestamptz IS NULL OR d.updated_at >= $5)`,
      [businessId, version, filter.category ?? null, filter.source ?? null, filter.updatedSince ?? null],
    );
    return rows.map((r) => r.id);
  }

  /** Chunk contents, restricted to the tenant's served chunks of `version` so nothing else can leak out. */
  async viewsInVersion(businessId: string, version: number, ids: number[]): Promise<ChunkView[]> {
    if (!ids.length) return [];
    const rows: Array<Record<string, unknown>> = await this.q().query(
      `SELECT c.id, c.document_id, c.url, c.title, c.category, c.text, c.chunk_index, c.metadata
         FROM kb_version_chunks vc JOIN kb_chunks c ON c.id = vc.chunk_id AND c.business_id = vc.business_id
        WHERE vc.business_id = $1 AND vc.version = $2 AND vc.searchable AND vc.chunk_id = ANY($3::int[])`,
      [businessId, version, ids],
    );
    return rows.map((r) => ({
      id: r.id as number,
      documentId: r.document_id as string,
      url: r.url as string | null,
      title: r.title as string | null,
      category: r.category as string | null,
      text: r.text as string,
      chunkIndex: r.chunk_index as number,
      metadata: r.metadata as Record<string, unknown>,
    }));
  }

  /** Chunks no retained version references, older than the grace period an in-flight job needs. */
  async deleteUnreferenced(businessId: string, graceSeconds: number, em?: EntityManager): Promise<number> {
    // TypeORM's Postgres driver answers DELETE with [rows, affected].
    const [, affected] = (await this.q(em).query(
      `DELETE FROM kb_chunks c
        WHERE c.business_id = $1 AND c.created_at < now() - make_interval(secs => $2)
          AND NOT EXISTS (SELECT 1 FROM kb_version_chunks vc WHERE vc.chunk_id = c.id)`,
      [businessId, graceSeconds],
    )) as [unknown[], number];
    return affected;
  }
}
