import { AppError } from 'src/common/errors/app-error';

/** Errors of the search infrastructure (embeddings, vector index); ingestion and the admin API declare their own. */
export const RagSearchErrorCode = {
  EMBEDDING_FAILED: 'RAG.EMBEDDING_FAILED',
  INDEX_DIMENSION_MISMATCH: 'RAG.INDEX_DIMENSION_MISMATCH',
  INVALID_TENANT_PATH: 'RAG.INVALID_TENANT_PATH',
} as const;

export const RagSearchErrors = {
  embeddingFailed: (detail: string) =>
    new AppError(
      'UNAVAILABLE',
      RagSearchErrorCode.EMBEDDING_FAILED,
      `Embedding service failed: ${detail}; try again later`,
    ),
  dimensionMismatch: (expected: number, actual: number) =>
    new AppError(
      'INTERNAL',
      RagSearchErrorCode.INDEX_DIMENSION_MISMATCH,
      `Vector has ${actual} dimensions; the index expects ${expected}`,
    ),
  invalidTenantPath: (businessId: string) =>
    new AppError(
      'VALIDATION',
      RagSearchErrorCode.INVALID_TENANT_PATH,
      `businessId "${businessId}" cannot name an index folder`,
    ),
};
