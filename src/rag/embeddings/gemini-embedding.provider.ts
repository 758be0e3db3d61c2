import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiFailure } from 'src/gemini/gemini-failure';
import { GeminiPolicy, GeminiRetryBudget } from 'src/gemini/gemini-policy';
import { EmbeddingProvider, EmbeddingPurpose } from 'src/rag/embedding-provider.port';
import { l2Normalize } from 'src/rag/embeddings/local-embedding.provider';
import { RagSearchErrors } from 'src/rag/rag-search.errors';

export interface GeminiEmbeddingOptions {
  model: string;
  dimension?: number;
  /** Attempts per batch including the first; retried on 408/429/5xx and network errors with backoff and jitter. */
  attempts?: number;
  /** Seconds before the first retry (doubles each time, capped at 20 s). */
  initialRetryDelaySeconds?: number;
  timeoutMs?: number;
}

/** The Gemini API refuses batchEmbedContents requests with more than 100 items. */
export const GEMINI_EMBED_BATCH_LIMIT = 100;

/**
 * gemini-embedding-001 through the shared GeminiClient. Vectors are truncated server-side to `outputDimensionality`
 * (768): Matryoshka-trained, so the prefix keeps most quality, but truncated vectors are no longer unit length, hence
 * the normalization here. Batches run under the shared GeminiPolicy with an ingestion-sized retry budget (patient:
 * nobody is waiting on a single batch); the shared breaker stops an ingestion job from waiting out every batch's
 * retries while Gemini is down, including when chat found out first.
 */
export class GeminiEmbeddingProvider extends EmbeddingProvider {
  readonly modelId: string;
  readonly dimension: number;
  private readonly retry: GeminiRetryBudget;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: GeminiClient,
    private readonly policy: GeminiPolicy,
    private readonly options: GeminiEmbeddingOptions,
  ) {
    super();
    this.dimension = options.dimension ?? 768;
    this.modelId = `${options.model}@${this.dimension}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = {
      attempts: options.attempts ?? 5,
      initialDelayMs: (options.initialRetryDelaySeconds ?? 1) * 1000,
      maxDelayMs: 20_000,
    };
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
      response = await this.policy.call(
        (abortSignal) =>
          this.client.ai.models.embedContent({
            model: this.options.model,
            // The API rejects empty parts; a single space embeds to a neutral vector and keeps positions aligned.
            contents: texts.map((text) => ({ role: 'user', parts: [{ text: text.trim() === '' ? ' ' : text }] })),
            config: {
              taskType: purpose === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT',
              outputDimensionality: this.dimension,
              abortSignal,
            },
          }),
        { retry: this.retry, timeoutMs: this.timeoutMs },
      );
    } catch (error) {
      throw RagSearchErrors.embeddingFailed(describe(error));
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

/** Names the failure without Google's message, which may echo the input text. */
function describe(error: unknown): string {
  if (!(error instanceof GeminiFailure)) return 'no response';
  if (error.reason === 'paused') return 'paused after repeated failures';
  if (error.reason === 'timeout') return 'timed out';
  return error.status ? `HTTP ${error.status}` : 'no response';
}
