import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import {
  ActivateVersionResponseDto,
  DeleteDocumentResponseDto,
  KnowledgeDocumentListDto,
  KnowledgeHealthDto,
  KnowledgeVersionListDto,
} from 'src/rag/dto/knowledge-responses.dto';
import { KnowledgeChangeService } from 'src/rag/ingestion/knowledge-change.service';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import { KbDocumentRepository } from 'src/rag/storage/kb-document.repository';
import { KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import { VectorIndexRegistry } from 'src/rag/vector-index.port';
import { TenantService } from 'src/tenant/tenant.service';

const VERSIONS_LISTED = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Documents, versions and health of one tenant's knowledge base. */
@Injectable()
export class KnowledgeBaseService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
    private readonly documents: KbDocumentRepository,
    private readonly versions: KbVersionRepository,
    private readonly change: KnowledgeChangeService,
    private readonly index: KnowledgeIndexService,
    private readonly registry: VectorIndexRegistry,
    private readonly embedder: ChunkEmbedder,
  ) {}

  async listDocuments(businessId: string): Promise<KnowledgeDocumentListDto> {
    await this.tenants.getCached(businessId);
    const active = await this.versions.active(businessId);
    const rows = active ? await this.documents.listInVersion(businessId, active.version) : [];
    return {
      version: active?.version ?? null,
      total: rows.length,
      totalChunks: rows.reduce((sum, r) => sum + r.searchableChunkCount, 0),
      documents: rows.map((r) => ({
        documentId: r.id,
        url: r.url,
        title: r.title,
        category: r.category,
        sourceType: r.sourceType,
        chunkCount: r.chunkCount,
        searchableChunkCount: r.searchableChunkCount,
        updatedAt: r.updatedAt.toISOString(),
      })),
    };
  }

  /** Synchronous: the new version (without the document) is active and indexed when this returns. */
  async deleteDocument(businessId: string, documentId: string): Promise<DeleteDocumentResponseDto> {
    await this.tenants.getCached(businessId);
    const active = await this.versions.active(businessId);
    const present =
      UUID.test(documentId) &&
      !!active &&
      (await this.versions.containsDocument(businessId, active.version, documentId));
    if (!present) throw KnowledgeErrors.documentNotFound(documentId);
    const result = await this.change.apply(businessId, {
      upsert: [],
      remove: [documentId],
      reason: 'delete',
      jobId: null,
    });
    return { documentId, version: result.version! };
  }

  async listVersions(businessId: string): Promise<KnowledgeVersionListDto> {
    await this.tenants.getCached(businessId);
    const rows = await this.versions.list(businessId, VERSIONS_LISTED);
    return {
      activeVersion: rows.find((r) => r.active)?.version ?? null,
      versions: rows.map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        activatedAt: r.activatedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Rolls back or forward: the version's chunk set already has its embeddings, so only the index moves. */
  async activateVersion(businessId: string, version: number): Promise<ActivateVersionResponseDto> {
    await this.tenants.getCached(businessId);
    const { previous, target } = await this.dataSource.transaction(async (em) => {
      await this.versions.lockTenant(businessId, em);
      const found = await this.versions.find(businessId, version, em);
      if (!found) throw KnowledgeErrors.versionNotFound(version);
      const before = await this.versions.active(businessId, em);
      if (before?.version !== version) await this.versions.activate(businessId, version, em);
      return { previous: before, target: found };
    });
    await this.index.indexFor(businessId, target);
    await this.index.announce(businessId, version);
    return { activeVersion: version, previousVersion: previous?.version ?? null };
  }

  async health(businessId: string): Promise<KnowledgeHealthDto> {
    await this.tenants.getCached(businessId);
    const active = await this.versions.active(businessId);
    const before = await this.registry.status(businessId);
    const stale =
      !!active && !!before && (before.state.kbVersion !== active.version || before.state.checksum !== active.id);
    if (active) await this.index.indexFor(businessId, active);
    const status = active ? await this.registry.status(businessId) : null;
    const docs = active ? await this.documents.listInVersion(businessId, active.version) : [];
    return {
      activeVersion: active?.version ?? null,
      documents: docs.length,
      chunks: docs.reduce((sum, d) => sum + d.searchableChunkCount, 0),
      embeddingModel: this.embedder.modelId,
      embeddingDimension: this.embedder.dimension,
      index: status
        ? {
            vectors: status.vectors,
            capacity: status.capacity,
            lastOpenSource: status.lastOpen?.source ?? null,
            ...(status.lastOpen?.reason ? { rebuildReason: status.lastOpen.reason } : {}),
            lastPersistedAt: status.lastPersistedAt?.toISOString() ?? null,
          }
        : null,
      lastBuildAt: (await this.versions.lastBuiltAt(businessId))?.toISOString() ?? null,
      stale,
    };
  }
}
