import { Module } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { GeminiModule } from 'src/gemini/gemini.module';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy } from 'src/gemini/gemini-policy';
import { EmbeddingProvider } from 'src/rag/embedding-provider.port';
import { GeminiEmbeddingProvider } from 'src/rag/embeddings/gemini-embedding.provider';
import { LocalEmbeddingProvider } from 'src/rag/embeddings/local-embedding.provider';
import { HnswVectorIndexRegistry } from 'src/rag/index/hnsw-vector-index.registry';
import { GeminiReranker } from 'src/rag/rerank/gemini.reranker';
import { LexicalReranker } from 'src/rag/rerank/lexical.reranker';
import { Reranker } from 'src/rag/rerank/reranker.port';
import { VectorIndexRegistry } from 'src/rag/vector-index.port';

/**
 * Search infrastructure for RagModule: the embedder, the per-tenant vector index registry and the re-ranker, each
 * chosen once from validated config: EMBEDDING_PROVIDER picks the embedder (Gemini or hashed local embeddings) and
 * LLM_PROVIDER the re-ranker (a Gemini call, or lexical re-ranking offline). Switching the embedder changes the
 * embedding model id, so existing indexes are rebuilt on their next open rather than mixed.
 */
@Module({
  imports: [GeminiModule],
  providers: [
    {
      provide: EmbeddingProvider,
      inject: [AppConfig, GeminiClient, GeminiPolicy],
      useFactory: (config: AppConfig, client: GeminiClient, policy: GeminiPolicy): EmbeddingProvider => {
        const provider = config.get('EMBEDDING_PROVIDER');
        switch (provider) {
          case 'local':
            return new LocalEmbeddingProvider();
          case 'gemini':
            // Read for its refusal: a Gemini embedder without a key fails the start, not the first ingestion.
            void config.geminiApiKey;
            return new GeminiEmbeddingProvider(client, policy, { model: config.get('GEMINI_EMBEDDING_MODEL') });
        }
      },
    },
    {
      provide: VectorIndexRegistry,
      inject: [AppConfig],
      useFactory: (config: AppConfig): VectorIndexRegistry =>
        new HnswVectorIndexRegistry(config.get('DATA_DIR'), config.get('KB_INDEX_CACHE_MB') * 1024 * 1024),
    },
    {
      provide: Reranker,
      inject: [AppConfig, GeminiClient, GeminiPolicy],
      useFactory: (config: AppConfig, client: GeminiClient, policy: GeminiPolicy): Reranker => {
        const provider = config.get('LLM_PROVIDER');
        switch (provider) {
          case 'offline':
            return new LexicalReranker();
          case 'gemini':
            void config.geminiApiKey;
            return new GeminiReranker(client, policy, { model: config.get('GEMINI_MODEL') });
        }
      },
    },
  ],
  exports: [EmbeddingProvider, VectorIndexRegistry, Reranker],
})
export class RagSearchInfraModule {}
