import { parentPort } from 'node:worker_threads';

import { AppError } from 'src/common/errors/app-error';
import { HnswVectorIndex } from 'src/rag/index/hnsw-vector-index';
import { IndexFiles } from 'src/rag/index/index-files';
import type { IndexCommand, IndexReplies, IndexReply, IndexRequest } from 'src/rag/index/index-worker.protocol';
import { RagSearchErrors } from 'src/rag/rag-search.errors';

/**
 * The index worker thread: holds every loaded tenant index and runs all the CPU-heavy index work (builds, file
 * hashing, reads, writes, searches). Requests are handled as they arrive; a long insert loop yields between slices
 * (see HnswVectorIndex), so searches and other tenants' work interleave with a build instead of queueing behind it.
 */
const indexes = new Map<number, HnswVectorIndex>();

async function handle(command: IndexCommand): Promise<IndexReplies[keyof IndexReplies]> {
  switch (command.op) {
    case 'open': {
      const files = new IndexFiles(command.root, command.businessId);
      const verified = await files.verify(command.modelId, command.dimension, command.expected);
      if (!verified.ok) return verified;
      const index = await HnswVectorIndex.fromDisk(files, verified.meta);
      // The hash matched but hnswlib refused the file (e.g. written by another version), or the counts differ.
      if (!index) return { ok: false, reason: 'corrupt' };
      indexes.set(command.handle, index);
      return {
        ok: true,
        info: index.info,
        state: { kbVersion: verified.meta.kbVersion, checksum: verified.meta.checksum },
      };
    }
    case 'create': {
      const index = HnswVectorIndex.empty(command.dimension);
      indexes.set(command.handle, index);
      return index.info;
    }
    case 'upsert': {
      const index = get(command.handle);
      await index.upsert(command.labels, command.vectors);
      return index.info;
    }
    case 'remove': {
      const index = get(command.handle);
      await index.remove(command.labels);
      return index.info;
    }
    case 'persist': {
      const index = get(command.handle);
      await index.persist(new IndexFiles(command.root, command.businessId), command.modelId, command.state);
      return index.info;
    }
    case 'search':
      return get(command.handle).search(command.vector, command.k, command.allowed);
    case 'free':
      indexes.get(command.handle)?.free();
      indexes.delete(command.handle);
      return null;
  }
}

function get(handle: number): HnswVectorIndex {
  const index = indexes.get(handle);
  if (!index) throw RagSearchErrors.indexReleased();
  return index;
}

parentPort?.on('message', (request: IndexRequest) => {
  handle(request).then(
    (value) => parentPort?.postMessage({ id: request.id, ok: true, value } satisfies IndexReply),
    (err: Error) =>
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        code: err instanceof AppError ? err.code : undefined,
        message: err.message,
      } satisfies IndexReply),
  );
});
