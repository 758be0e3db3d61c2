import { ApiError, GoogleGenAI } from '@google/genai';
import { BrokenCircuitError } from 'cockatiel';
import { EmbeddingProvider, EmbeddingPurpose } from 'src/rag/embedding-provider.port';
import { l2Normalize } from 'src/rag/embeddings/local-embedding.provider';
import { BreakerOptions, geminiBreaker } from 'src/rag/gemini-breaker';
import { RagSearchErrors } from 'src/rag/rag-search.errors';

export interface GeminiEmbeddingOptions extends BreakerOptions {
  apiKey: string;
  model: string;
  baseUrl?: string;
  dimension?: number;
  /** Attempts per batch including the first; retried on 408/429/5xx with exponential backoff and jitter. */
  attempts?: number;
  /** Seconds before the first retry (doubles each time, capped at 20 s). */
  initialRetryDelaySeconds?: number;
  timeoutMs?: number;
}

/** The Gemini API refuses batchEmbedContents requests with more than 100 items. */
export const GEMINI_EMBED_BATCH_LIMIT = 100;

/**
 * gemini-embedding-001 through the official SDK. Vectors are truncated server-side to `outputDimensionality` (768):
 * Matryoshka-trained, so the prefix keeps most quality, but truncated vectors are no longer unit length, hence the
 * normalization here. Retries use the SDK's own policy (p-retry), configured once on the client; a circuit breaker
 * above them stops an ingestion job from waiting out every batch's retries while Gemini is down.
 */
export class GeminiEmbeddingProvider extends EmbeddingProvider {
  readonly modelId: string;
  readonly dimension: number;
  private readonly client: GoogleGenAI;
  private readonly breaker: ReturnType<typeof geminiBreaker>;

  constructor(private readonly options: GeminiEmbeddingOptions) {
    super();
    this.breaker = geminiBreaker(options);
    this.dimension = options.dimension ?? 768;
    this.modelId = `${options.model}@${this.dimension}`;
    this.client = new GoogleGenAI({
      apiKey: options.apiKey,
      httpOptions: {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        timeout: options.timeoutMs ?? 30_000,
        // Our own fetch: the SDK's default dispatcher looks up Undici's global through a realm symbol that Jest's
        // sandbox (and some bundlers) hide; plain fetch behaves identically in production.
        fetch: (input, init) => fetch(input, init),
        retryOptions: {
          attempts: options.attempts ?? 5,
          initialDelay: options.initialRetryDelaySeconds ?? 1,
          maxDelay: 20,
          httpStatusCodes: [408, 429, 500, 502, 503, 504],
        },
      },
    });
  }

  async embed(texts: string[], purpose: EmbeddingPurpose = 'document'): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += GEMINI_EMBED_BATCH_LIMIT) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + GEMINI_EMBED_BATCH_LIMIT), purpose)));
    }
    return vectors;
  }

  private async embedBatch(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    let response;
    try {
      response = await this.breaker.execute(() =>
        this.client.models.embedContent({
          model: this.options.model,
          // The API rejects empty parts; a single space embeds to a neutral vector and keeps positions aligned.
          contents: texts.map((text) => ({ role: 'user', parts: [{ text: text.trim() === '' ? ' ' : text }] })),
          config: {
            taskType: purpose === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT',
            outputDimensionality: this.dimension,
          },
        }),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw RagSearchErrors.embeddingFailed('paused after repeated failures');
      const status = error instanceof ApiError ? error.status : undefined;
      throw RagSearchErrors.embeddingFailed(status ? `HTTP ${status}` : 'no response');
    }
    const embeddings = response.embeddings ?? [];
    if (embeddings.length !== texts.length) {
      throw RagSearchErrors.embeddingFailed(`${embeddings.length} vectors for ${texts.length} texts`);
    }
    return embeddings.map((embedding) => {
      const values = embedding.values ?? [];
      if (values.length !== this.dimension) {
        throw RagSearchErrors.embeddingFailed(`${values.length} dimensions, expected ${this.dimension}`);
      }
      return l2Normalize(Float32Array.from(values));
    });
  }
}
