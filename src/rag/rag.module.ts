import { Module } from '@nestjs/common';
import { KnowledgeChangeService } from 'src/rag/ingestion/knowledge-change.service';
import { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { KnowledgeTenantHooks } from 'src/rag/knowledge-tenant.hooks';
import { RagSearchInfraModule } from 'src/rag/rag-search-infra.module';
import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import { KnowledgeSearchService } from 'src/rag/search/knowledge-search.service';
import { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import { KbDocumentRepository } from 'src/rag/storage/kb-document.repository';
import { KbJobRepository } from 'src/rag/storage/kb-job.repository';
import { KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import { TenantModule } from 'src/tenant/tenant.module';

@Module({
  imports: [TenantModule, RagSearchInfraModule],
  providers: [
    KbDocumentRepository,
    KbChunkRepository,
    KbVersionRepository,
    KbJobRepository,
    ChunkEmbedder,
    KnowledgeIndexService,
    KnowledgeChangeService,
    KnowledgeSearchService,
    KnowledgeTenantHooks,
    { provide: KnowledgeRetriever, useExisting: KnowledgeSearchService },
  ],
  exports: [KnowledgeRetriever],
})
export class RagModule {}
