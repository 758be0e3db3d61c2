import { AppError } from 'src/common/errors/app-error';
import { HnswVectorIndex } from 'src/rag/index/hnsw-vector-index';
import { IndexFiles } from 'src/rag/index/index-files';
import type { IndexCommand, IndexReplies, IndexReply, IndexRequest } from 'src/rag/index/index-worker.protocol';
import { RagSearchErrors } from 'src/rag/rag-search.errors';

/**
 * What the index worker thread does with each command (index.worker.ts only wires it to the parent port, so this
 * runs, and is tested, in-process too). It holds every loaded tenant index by handle. Commands are handled as they
 * arrive; a long insert loop yields between slices (see HnswVectorIndex), so searches and other tenants' work
 * interleave with a build instead of queueing behind it.
 */
export class IndexWorkerHandler {
  private readonly indexes = new Map<number, HnswVectorIndex>();

  /** Before the thread ends: no index starts another native insert (see HnswVectorIndex.stop). */
  shutdown(): void {
    for (const index of this.indexes.values()) index.stop();
  }

  /** Never rejects: failures become error replies carrying the AppError code, if any. */
  async reply(request: IndexRequest): Promise<IndexReply> {
    try {
      return { id: request.id, ok: true, value: await this.handle(request) };
    } catch (err) {
      const error = err as Error;
      return {
        id: request.id,
        ok: false,
        code: err instanceof AppError ? err.code : undefined,
        message: error.message,
      };
    }
  }

  private async handle(command: IndexCommand): Promise<IndexReplies[keyof IndexReplies]> {
    switch (command.op) {
      case 'open': {
        const files = new IndexFiles(command.root, command.businessId);
        const verified = await files.verify(command.modelId, command.dimension, command.expected);
        if (!verified.ok) return verified;
        const index = await HnswVectorIndex.fromDisk(files, verified.meta);
        // The hash matched but hnswlib refused the file (e.g. written by another version), or the counts differ.
        if (!index) return { ok: false, reason: 'corrupt' };
        this.indexes.set(command.handle, index);
        const { kbVersion, checksum } = verified.meta;
        return { ok: true, info: index.info, state: { kbVersion, checksum } };
      }
      case 'create': {
        const index = HnswVectorIndex.empty(command.dimension);
        this.indexes.set(command.handle, index);
        return index.info;
      }
      case 'upsert': {
        const index = this.get(command.handle);
        await index.upsert(command.labels, command.vectors);
        return index.info;
      }
      case 'remove': {
        const index = this.get(command.handle);
        await index.remove(command.labels);
        return index.info;
      }
      case 'persist': {
        const index = this.get(command.handle);
        await index.persist(new IndexFiles(command.root, command.businessId), command.modelId, command.state);
        return index.info;
      }
      case 'search':
        return this.get(command.handle).search(command.vector, command.k, command.allowed);
      case 'snapshot':
        return this.get(command.handle).snapshot(command.maxVectors);
      case 'free':
        this.indexes.get(command.handle)?.free();
        this.indexes.delete(command.handle);
        return null;
    }
  }

  private get(handle: number): HnswVectorIndex {
    const index = this.indexes.get(handle);
    if (!index) throw RagSearchErrors.indexReleased();
    return index;
  }
}
