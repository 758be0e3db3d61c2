import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { ChunkView, KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import type { ActiveVersion } from 'src/rag/storage/kb-version.repository';

/** Memory budget of the cache, in characters of text held (about 16 MB at most). */
const MAX_CACHED_CHARS = 8_000_000;

/** A served chunk with the text it is ranked and judged by (title, then body), built once per cached chunk. */
export interface ServedChunk extends ChunkView {
  /** The same string object on every read, so lookups keyed by it (term statistics) need not re-hash 1 kB. */
  searchText: string;
}

/** The text a chunk is ranked by: its title, then its body. */
export const withTitle = (chunk: { title: string | null; text: string }) =>
  chunk.title ? `${chunk.title}\n${chunk.text}` : chunk.text;

/**
 * Contents of a version's served chunks, kept in memory. Every chat turn that retrieves reads the same popular
 * chunks again; a version's chunk set and a chunk's content are never changed once written (an edit makes new
 * chunks and a new version), so an entry can never go stale and only the size bound evicts. Entries are keyed by
 * the version row's id, unique across tenants and time, so a recreated tenant can never meet an old entry.
 */
@Injectable()
export class ChunkViewCache {
  private readonly views = new LRUCache<string, ServedChunk>({
    maxSize: MAX_CACHED_CHARS,
    sizeCalculation: (v) => 2 * v.searchText.length + (v.url?.length ?? 0) + 200,
  });

  constructor(private readonly chunks: KbChunkRepository) {}

  /** The chunks among `ids` that `active` serves, from memory where possible and one query for the rest. */
  async inVersion(businessId: string, active: ActiveVersion, ids: number[]): Promise<ServedChunk[]> {
    const found: ServedChunk[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const view = this.views.get(key(businessId, active, id));
      if (view) found.push(view);
      else missing.push(id);
    }
    if (missing.length) {
      for (const view of await this.chunks.viewsInVersion(businessId, active.version, missing)) {
        const served = { ...view, searchText: withTitle(view) };
        this.views.set(key(businessId, active, view.id), served);
        found.push(served);
      }
    }
    return found;
  }
}

const key = (businessId: string, active: ActiveVersion, chunkId: number) => `${businessId}\n${active.id}\n${chunkId}`;
