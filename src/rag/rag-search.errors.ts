import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

/** Errors of the search infrastructure (embeddings, vector index); ingestion and the admin API declare their own. */
export const RagSearchErrorCatalogue = defineErrors({
  EMBEDDING_FAILED: {
    code: 'RAG.EMBEDDING_FAILED',
    kind: 'UNAVAILABLE',
    meaning: 'The embedding service failed or is paused after repeated failures; try again later.',
  },
  INDEX_DIMENSION_MISMATCH: {
    code: 'RAG.INDEX_DIMENSION_MISMATCH',
    kind: 'INTERNAL',
    meaning:
      "Embeddings do not fit the business's vector index (the embedding model changed); the index must be rebuilt.",
  },
  INDEX_RELEASED: {
    code: 'RAG.INDEX_RELEASED',
    kind: 'UNAVAILABLE',
    meaning:
      "The business's vector index was evicted from memory or its worker restarted during the operation; try again.",
  },
  INVALID_TENANT_PATH: {
    code: 'RAG.INVALID_TENANT_PATH',
    kind: 'VALIDATION',
    meaning: 'The business id cannot name a folder for its index files.',
  },
});

export const RagSearchErrors = {
  embeddingFailed: (detail: string) =>
    new AppError(RagSearchErrorCatalogue.EMBEDDING_FAILED, `Embedding service failed: ${detail}; try again later`),
  dimensionMismatch: (expected: number, actual: number) =>
    new AppError(
      RagSearchErrorCatalogue.INDEX_DIMENSION_MISMATCH,
      `Vector has ${actual} dimensions; the index expects ${expected}`,
    ),
  indexReleased: () => new AppError(RagSearchErrorCatalogue.INDEX_RELEASED, 'The vector index was released; try again'),
  invalidTenantPath: (businessId: string) =>
    new AppError(RagSearchErrorCatalogue.INVALID_TENANT_PATH, `businessId "${businessId}" cannot name an index folder`),
};
