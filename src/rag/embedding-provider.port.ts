/**
 * Turns text into unit-length vectors for the per-tenant vector index. `purpose` lets asymmetric models
 * (Gemini's RETRIEVAL_DOCUMENT / RETRIEVAL_QUERY task types) embed stored chunks and questions differently;
 * symmetric providers ignore it. Vectors are L2-normalized, so cosine similarity is a dot product.
 */
export type EmbeddingPurpose = 'document' | 'query';

export abstract class EmbeddingProvider {
  /** Stored with every embedding and index file; a change of model means a rebuild, never a mix. */
  abstract readonly modelId: string;
  abstract readonly dimension: number;
  /** One vector per input text, in order. An empty input returns an empty array without any call. */
  abstract embed(texts: string[], purpose?: EmbeddingPurpose): Promise<Float32Array[]>;
}
