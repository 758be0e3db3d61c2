import { Module } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config.service';
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
  providers: [
    {
      provide: EmbeddingProvider,
      inject: [AppConfig],
      useFactory: (config: AppConfig): EmbeddingProvider => {
        const provider = config.get('EMBEDDING_PROVIDER');
        switch (provider) {
          case 'local':
            return new LocalEmbeddingProvider();
          case 'gemini':
            return new GeminiEmbeddingProvider({
              apiKey: config.geminiApiKey,
              model: config.get('GEMINI_EMBEDDING_MODEL'),
              baseUrl: config.get('GEMINI_BASE_URL'),
            });
        }
      },
    },
    {
      provide: VectorIndexRegistry,
      inject: [AppConfig],
      useFactory: (config: AppConfig): VectorIndexRegistry =>
        new HnswVectorIndexRegistry(config.get('DATA_DIR'), config.get('KB_INDEX_CACHE_TENANTS')),
    },
    {
      provide: Reranker,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Reranker => {
        const provider = config.get('LLM_PROVIDER');
        switch (provider) {
          case 'offline':
            return new LexicalReranker();
          case 'gemini':
            return new GeminiReranker({
              apiKey: config.geminiApiKey,
              model: config.get('GEMINI_MODEL'),
              baseUrl: config.get('GEMINI_BASE_URL'),
            });
        }
      },
    },
  ],
  exports: [EmbeddingProvider, VectorIndexRegistry, Reranker],
})
export class RagSearchInfraModule {}
