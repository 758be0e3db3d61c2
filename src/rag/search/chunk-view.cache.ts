import { Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { TermStats, termStats } from 'src/rag/embeddings/text-features';
import { ChunkView, KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import type { ActiveVersion } from 'src/rag/storage/kb-version.repository';

/** Memory budget of the cache, in characters of text held (about 16 MB at most). */
const MAX_CACHED_CHARS = 8_000_000;

/** A served chunk with the text it is ranked and judged by (title, then body), built once per cached chunk. */
export interface ServedChunk extends ChunkView {
  searchText: string;
  /**
   * Content-term counts of `searchText`, for re-ranking and confidence. Kept here because looking them up by text
   * on every search compared kilobytes of text per candidate: every tenant holding the same page has its own copy.
   */
  terms: TermStats;
}

/** The text a chunk is ranked by: its title, then its body. */
export const withTitle = (chunk: { title: string | null; text: string }) =>
  chunk.title ? `${chunk.title}\n${chunk.text}` : chunk.text;

/** The chunks of one version read so far, and their size against the budget. */
interface VersionViews {
  chunks: Map<number, ServedChunk>;
  size: number;
}

// A term costs about a map entry (~40 bytes, counted as 20 characters); its string is shared with the stemmer.
const sizeOf = (v: ServedChunk) => 2 * v.searchText.length + 20 * v.terms.counts.size + (v.url?.length ?? 0) + 200;

/**
 * Contents of a version's served chunks, kept in memory. Every chat turn that retrieves reads the same popular
 * chunks again; a version's chunk set and a chunk's content are never changed once written (an edit makes new
 * chunks and a new version), so an entry can never go stale and only the size bound evicts. Entries are keyed by
 * the version row's id, unique across tenants and time, so a recreated tenant can never meet an old entry.
 *
 * Grouped by version, so a search's 20-odd chunks cost one LRU lookup, not one each (per-chunk lookups were a
 * measurable share of a grounded turn). The least recently searched versions are evicted whole; a single version
 * that outgrows half the budget starts over, so one large knowledge base cannot hold the whole cache.
 */
@Injectable()
export class ChunkViewCache {
  private readonly versions: LRUCache<string, VersionViews>;

  constructor(
    private readonly chunks: KbChunkRepository,
    @Optional() private readonly maxSize: number = MAX_CACHED_CHARS,
  ) {
    this.versions = new LRUCache({ maxSize, sizeCalculation: (v) => Math.max(1, v.size) });
  }

  /** The chunks among `ids` that `active` serves, from memory where possible and one query for the rest. */
  async inVersion(businessId: string, active: ActiveVersion, ids: number[]): Promise<ServedChunk[]> {
    const key = `${businessId}\n${active.id}`;
    const cached = this.versions.get(key);
    const found: ServedChunk[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const view = cached?.chunks.get(id);
      if (view) found.push(view);
      else missing.push(id);
    }
    if (!missing.length) return found;
    const fetched = await this.chunks.viewsInVersion(businessId, active.version, missing);
    // Read again: while the query ran, another turn may have added to this version's entry, or the bound dropped it.
    let entry = this.versions.get(key);
    if (!entry || entry.size > this.maxSize / 2) entry = { chunks: new Map(), size: 0 };
    for (const view of fetched) {
      let served = entry.chunks.get(view.id);
      if (!served) {
        const searchText = withTitle(view);
        served = { ...view, searchText, terms: termStats(searchText) };
        entry.chunks.set(view.id, served);
        entry.size += sizeOf(served);
      }
      found.push(served);
    }
    // Stored again so the LRU counts the entry's new size against the budget.
    this.versions.set(key, entry);
    return found;
  }
}
