import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface ActiveVersion {
  version: number;
  /** Unique across tenants and time; the vector index records it so a recreated tenant never reuses a stale file. */
  id: string;
}

export interface VersionRow {
  chunkId: number;
  documentId: string;
  contentHash: string;
  chunkIndex: number;
  documentOrder: number;
  searchable: boolean;
}

export interface NewVersion {
  reason: 'ingest' | 'delete';
  jobId: string | null;
  stats: Record<string, number>;
  rows: Array<{ chunkId: number; documentId: string; searchable: boolean }>;
}

export interface VersionSummaryRow {
  version: number;
  active: boolean;
  reason: string;
  jobId: string | null;
  documentCount: number;
  chunkCount: number;
  stats: Record<string, number>;
  createdAt: Date;
  activatedAt: Date | null;
}

@Injectable()
export class KbVersionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  /** Serializes knowledge-base changes of one tenant across instances until the transaction ends. */
  async lockTenant(businessId: string, em: EntityManager): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('kb:' || $1))`, [businessId]);
  }

  async active(businessId: string, em?: EntityManager): Promise<ActiveVersion | null> {
    const rows: Array<{ version: number; id: string }> = await this.q(em).query(
      'SELECT version, id FROM kb_versions WHERE business_id = $1 AND is_active',
      [businessId],
    );
    return rows[0] ?? null;
  }

  async find(businessId: string, version: number, em?: EntityManager): Promise<ActiveVersion | null> {
    const rows: Array<{ version: number; id: string }> = await this.q(em).query(
      'SELECT version, id FROM kb_versions WHERE business_id = $1 AND version = $2',
      [businessId, version],
    );
    return rows[0] ?? null;
  }

  async rows(businessId: string, version: number, em?: EntityManager): Promise<VersionRow[]> {
    const rows: Array<Record<string, unknown>> = await this.q(em).query(
      `SELECT vc.chunk_id, vc.document_id, vc.searchable, c.content_hash, c.chunk_index, d.ordinal
         FROM kb_version_chunks vc
         JOIN kb_chunks c ON c.id = vc.chunk_id
         JOIN kb_documents d ON d.id = vc.document_id
        WHERE vc.business_id = $1 AND vc.version = $2`,
      [businessId, version],
    );
    return rows.map((r) => ({
      chunkId: r.chunk_id as number,
      documentId: r.document_id as string,
      contentHash: r.content_hash as string,
      chunkIndex: r.chunk_index as number,
      documentOrder: Number(r.ordinal),
      searchable: r.searchable as boolean,
    }));
  }

  async containsDocument(businessId: string, version: number, documentId: string): Promise<boolean> {
    const rows: unknown[] = await this.q().query(
      'SELECT 1 FROM kb_version_chunks WHERE business_id = $1 AND version = $2 AND document_id = $3 LIMIT 1',
      [businessId, version, documentId],
    );
    return rows.length > 0;
  }

  async searchableIds(businessId: string, version: number, em?: EntityManager): Promise<number[]> {
    const rows: Array<{ chunk_id: number }> = await this.q(em).query(
      'SELECT chunk_id FROM kb_version_chunks WHERE business_id = $1 AND version = $2 AND searchable',
      [businessId, version],
    );
    return rows.map((r) => r.chunk_id);
  }

  /** Inserts the next version with its chunk set and makes it the active one. Call under lockTenant. */
  async createActive(businessId: string, v: NewVersion, em: EntityManager): Promise<ActiveVersion> {
    const documentCount = new Set(v.rows.map((r) => r.documentId)).size;
    const chunkCount = v.rows.filter((r) => r.searchable).length;
    await em.query('UPDATE kb_versions SET is_active = false WHERE business_id = $1 AND is_active', [businessId]);
    const created: ActiveVersion[] = await em.query(
      `INSERT INTO kb_versions (business_id, version, is_active, reason, job_id, document_count, chunk_count, stats, activated_at)
       SELECT $1::varchar, coalesce(max(version), 0) + 1, true, $2, $3::uuid, $4, $5, $6::jsonb, now() FROM kb_versions WHERE business_id = $1::varchar
       RETURNING version, id`,
      [businessId, v.reason, v.jobId, documentCount, chunkCount, JSON.stringify(v.stats)],
    );
    const { version } = created[0];
    if (v.rows.length) {
      await em.query(
        `INSERT INTO kb_version_chunks (business_id, version, chunk_id, document_id, searchable)
         SELECT $1, $2, r.chunk_id, r.document_id, r.searchable FROM unnest($3::int[], $4::uuid[], $5::bool[]) AS r(chunk_id, document_id, searchable)`,
        [
          businessId,
          version,
          v.rows.map((r) => r.chunkId),
          v.rows.map((r) => r.documentId),
          v.rows.map((r) => r.searchable),
        ],
      );
    }
    return created[0];
  }

  /** Call under lockTenant. */
  async activate(businessId: string, version: number, em: EntityManager): Promise<void> {
    await em.query('UPDATE kb_versions SET is_active = false WHERE business_id = $1 AND is_active', [businessId]);
    await em.query(
      'UPDATE kb_versions SET is_active = true, activated_at = now() WHERE business_id = $1 AND version = $2',
      [businessId, version],
    );
  }

  async list(businessId: string, limit: number): Promise<VersionSummaryRow[]> {
    const rows: Array<Record<string, unknown>> = await this.q().query(
      `SELECT version, is_active, reason, job_id, document_count, chunk_count, stats, created_at, activated_at
         FROM kb_versions WHERE business_id = $1 ORDER BY version DESC LIMIT $2`,
      [businessId, limit],
    );
    return rows.map((r) => ({
      version: r.version as number,
      active: r.is_active as boolean,
      reason: r.reason as string,
      jobId: r.job_id as string | null,
      documentCount: r.document_count as number,
      chunkCount: r.chunk_count as number,
      stats: r.stats as Record<string, number>,
      createdAt: r.created_at as Date,
      activatedAt: r.activated_at as Date | null,
    }));
  }

  /** Keeps the newest `keep` versions and the active one; older ones (and their chunk sets) go. Call under lockTenant. */
  async prune(businessId: string, keep: number, em: EntityManager): Promise<void> {
    await em.query(
      `DELETE FROM kb_versions WHERE business_id = $1 AND NOT is_active
          AND version <= (SELECT max(version) FROM kb_versions WHERE business_id = $1) - $2`,
      [businessId, keep],
    );
  }

  async lastBuiltAt(businessId: string): Promise<Date | null> {
    const rows: Array<{ at: Date | null }> = await this.q().query(
      'SELECT max(created_at) AS at FROM kb_versions WHERE business_id = $1',
      [businessId],
    );
    return rows[0]?.at ?? null;
  }
}
