import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';

import { AppConfig } from 'src/config/app-config.service';
import { IndexLayoutMigration } from 'src/rag/index/index-layout.migration';
import { KnowledgeChangeService } from 'src/rag/ingestion/knowledge-change.service';
import { BullMqKnowledgeJobQueue, knowledgeQueueName } from 'src/rag/jobs/bullmq.knowledge-job-queue';
import { CrawlSource } from 'src/rag/jobs/crawl.source';
import { InProcessKnowledgeJobQueue } from 'src/rag/jobs/in-process.knowledge-job-queue';
import { KnowledgeJobRunner } from 'src/rag/jobs/knowledge-job.runner';
import { KnowledgeJobSweeper } from 'src/rag/jobs/knowledge-job.sweeper';
import { KnowledgeJobQueue } from 'src/rag/jobs/knowledge-job-queue.port';
import { KnowledgeJobsService } from 'src/rag/jobs/knowledge-jobs.service';
import { KnowledgeSourceReader } from 'src/rag/jobs/knowledge-source.reader';
import { KnowledgeController } from 'src/rag/knowledge.controller';
import { KnowledgeBaseService } from 'src/rag/knowledge-base.service';
import { KnowledgeLegacyController } from 'src/rag/knowledge-legacy.controller';
import { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { KnowledgeTenantHooks } from 'src/rag/knowledge-tenant.hooks';
import { RagSearchInfraModule } from 'src/rag/rag-search-infra.module';
import { RagSourcesModule } from 'src/rag/rag-sources.module';
import { ChunkViewCache } from 'src/rag/search/chunk-view.cache';
import { KeywordIndexCache } from 'src/rag/search/keyword-index.cache';
import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import { KnowledgeSearchService } from 'src/rag/search/knowledge-search.service';
import { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import { KbDocumentRepository } from 'src/rag/storage/kb-document.repository';
import { KbJobRepository } from 'src/rag/storage/kb-job.repository';
import { KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import { RedisConnection } from 'src/redis/redis-connection';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * Per-tenant knowledge bases: ingestion jobs, versions, hybrid retrieval. Other modules see only the
 * KnowledgeRetriever port.
 */
@Module({
  imports: [
    TenantModule,
    RagSearchInfraModule,
    RagSourcesModule,
    MulterModule.registerAsync({
      inject: [AppConfig],
      // In memory: the job stores the file in Postgres anyway, and the size is capped before buffering completes.
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.get('KB_MAX_FILE_BYTES'), files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [KnowledgeController, KnowledgeLegacyController],
  providers: [
    KbDocumentRepository,
    KbChunkRepository,
    KbVersionRepository,
    KbJobRepository,
    ChunkEmbedder,
    KnowledgeIndexService,
    KnowledgeChangeService,
    KnowledgeSearchService,
    ChunkViewCache,
    KeywordIndexCache,
    KnowledgeBaseService,
    KnowledgeJobsService,
    KnowledgeSourceReader,
    KnowledgeJobRunner,
    KnowledgeJobSweeper,
    KnowledgeTenantHooks,
    IndexLayoutMigration,
    CrawlSource,
    {
      provide: KnowledgeJobQueue,
      inject: [KbJobRepository, AppConfig, RedisConnection],
      useFactory: (jobs: KbJobRepository, config: AppConfig, { client }: RedisConnection): KnowledgeJobQueue =>
        client
          ? new BullMqKnowledgeJobQueue(
              client,
              jobs,
              config.get('KB_JOB_CONCURRENCY'),
              knowledgeQueueName(config.get('DATABASE_URL')),
              config.get('KB_JOB_LOCK_MS'),
            )
          : new InProcessKnowledgeJobQueue(jobs, config.get('KB_JOB_CONCURRENCY')),
    },
    { provide: KnowledgeRetriever, useExisting: KnowledgeSearchService },
  ],
  exports: [KnowledgeRetriever],
})
export class RagModule {}
