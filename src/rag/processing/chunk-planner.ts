export interface PlannedChunk {
  chunkId: number;
  documentId: string;
  contentHash: string;
  /** Position of the document in the knowledge base (first ingested first); the earliest copy of a duplicate wins. */
  documentOrder: number;
  chunkIndex: number;
}

export interface BoilerplatePolicy {
  /** A chunk repeated on at least this many documents is navigation/footer text... */
  minDocuments: number;
  /** ...and on at least this share of all documents (so a large site's shared FAQ answer is not dropped). */
  minShare: number;
}

export const DEFAULT_BOILERPLATE: BoilerplatePolicy = { minDocuments: 4, minShare: 0.05 };

export interface SearchablePlan {
  searchable: Set<number>;
  boilerplate: number;
  duplicates: number;
}

/**
 * Decides which chunks of a knowledge base are served. Recomputed over the whole tenant on every change because
 * boilerplate is a property of the site, not of one page: a footer becomes boilerplate when the fifth page carrying
 * it arrives, and every earlier copy must leave the index with it.
 */
export function planSearchable(
  chunks: PlannedChunk[],
  policy: BoilerplatePolicy = DEFAULT_BOILERPLATE,
): SearchablePlan {
  const docsByHash = new Map<string, Set<string>>();
  const documents = new Set<string>();
  for (const c of chunks) {
    documents.add(c.documentId);
    let docs = docsByHash.get(c.contentHash);
    if (!docs) docsByHash.set(c.contentHash, (docs = new Set()));
    docs.add(c.documentId);
  }
  const threshold = Math.max(policy.minDocuments, Math.ceil(documents.size * policy.minShare));
  const ordered = [...chunks].sort(
    (a, b) => a.documentOrder - b.documentOrder || a.chunkIndex - b.chunkIndex || a.chunkId - b.chunkId,
  );
  const seen = new Set<string>();
  const searchable = new Set<number>();
  let boilerplate = 0;
  let duplicates = 0;
  for (const c of ordered) {
    if (docsByHash.get(c.contentHash)!.size >= threshold) {
      boilerplate++;
      continue;
    }
    if (seen.has(c.contentHash)) {
      duplicates++;
      continue;
    }
    seen.add(c.contentHash);
    searchable.add(c.chunkId);
  }
  return { searchable, boilerplate, duplicates };
}
