import { Injectable } from '@nestjs/common';

import { EmbeddingProvider } from 'src/rag/embedding-provider.port';
import { embeddingInput } from 'src/rag/processing/source-document';
import { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';

const BATCH = 96;

/**
 * Makes sure chunks carry an embedding from the current model. An embedding is computed once per distinct embedded
 * text (title + chunk) and tenant: re-ingesting, moving or duplicating a chunk copies the stored vector instead.
 */
@Injectable()
export class ChunkEmbedder {
  constructor(
    private readonly embeddings: EmbeddingProvider,
    private readonly chunks: KbChunkRepository,
  ) {}

  get modelId(): string {
    return this.embeddings.modelId;
  }

  get dimension(): number {
    return this.embeddings.dimension;
  }

  /** Returns how many chunks were embedded by the model (not copied). */
  async ensure(
    businessId: string,
    ids: number[],
    onProgress?: (done: number, total: number) => Promise<void>,
  ): Promise<number> {
    const model = this.embeddings.modelId;
    await this.chunks.copyKnownEmbeddings(businessId, ids, model);
    const missing = await this.chunks.withoutEmbedding(businessId, ids, model);
    // Within one batch of missing chunks, identical texts are embedded once.
    const byHash = new Map<string, typeof missing>();
    for (const c of missing) byHash.set(c.embedHash, [...(byHash.get(c.embedHash) ?? []), c]);
    const unique = [...byHash.values()].map((group) => group[0]);
    for (let i = 0; i < unique.length; i += BATCH) {
      const batch = unique.slice(i, i + BATCH);
      const vectors = await this.embeddings.embed(
        batch.map((c) => embeddingInput(c.title, c.text)),
        'document',
      );
      const rows = batch.flatMap((c, j) =>
        byHash.get(c.embedHash)!.map((same) => ({ id: same.id, vector: vectors[j] })),
      );
      await this.chunks.saveEmbeddings(businessId, rows, model, this.embeddings.dimension);
      await onProgress?.(Math.min(i + BATCH, unique.length), unique.length);
    }
    return unique.length;
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.embeddings.embed([text], 'query').then((v) => v[0]);
  }
}
