import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { LRUCache } from 'lru-cache';
import porter2 from 'wink-porter2-stemmer';

import { isStopWord, tokenize } from 'src/rag/embeddings/text-features';
import type { ExpandedQuery } from 'src/rag/search/query-expansion';

/** A served chunk as the keyword index needs it: its id and the two fields it is ranked by. */
export interface KeywordDocument {
  id: number;
  title: string | null;
  text: string;
}

export interface KeywordMatch {
  id: number;
  /** BM25 relevance squashed into [0, 1), so it reads like the Postgres rank it replaces. */
  rank: number;
}

/** BM25+ (Lv & Zhai): the usual k1 and b, plus a floor `d` so that a match in a long chunk still counts. */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/**
 * A title word says more about what a page answers than a body word, as the Postgres tsvector's A/B weights do. On
 * the GoAccel quality test, boosts from 1 to 3 rank identically; 2 mirrors A over B.
 */
const FIELD_BOOST = [2, 1];
/** A prefix match ("pric" → "pricey") counts this much of an exact one, less the longer the completion. */
const PREFIX_WEIGHT = 0.375;
/** Short query words shorter than this are not prefix-matched ("ad" would match half the vocabulary). */
const MIN_PREFIX_LENGTH = 3;
/**
 * Characters analysed per event-loop turn while building (a few milliseconds of tokenizing and stemming), so a large
 * tenant's build never holds up chat turns and audio frames for long.
 */
const BUILD_SLICE_CHARS = 8_000;
/** Postings converted to typed arrays (and vocabulary entries sorted) per event-loop turn, for the same reason. */
const BUILD_SLICE_POSTINGS = 20_000;
/**
 * The vocabulary is kept sorted in buckets by first letters, for prefix lookups: every prefix looked up is at least
 * MIN_PREFIX_LENGTH long, so its completions share its bucket, and buckets are sorted one slice at a time.
 */
const BUCKET_KEY_LENGTH = 2;
/** Half-saturation point of the [0, 1) squashing: a BM25 score of this much reads as 0.5. */
const RANK_HALF = 10;

// Porter2 is the Snowball English stemmer of Postgres' 'english' configuration, so the index conflates words as the
// full-text search it replaces did ("accountants" meets "accounting"), which the platform's lighter stemmer does not.
// It is regex-heavy (microseconds a word) while a knowledge base's vocabulary is small: memoized.
const STEMS = new LRUCache<string, string>({ max: 100_000 });
function analyse(token: string): string | null {
  if (isStopWord(token)) return null;
  let stemmed = STEMS.get(token);
  if (stemmed === undefined) STEMS.set(token, (stemmed = porter2(token)));
  return stemmed;
}

/** Documents (by position) holding a term in one field, with the term's frequency in each. */
interface Posting {
  docs: Uint32Array;
  freqs: Uint16Array;
  /** BM25 inverse document frequency of the term in this field, fixed once the index is built. */
  idf: number;
}

/**
 * An in-memory BM25+ index over one knowledge-base version's served chunks, replacing a Postgres full-text query on
 * every grounded turn. Scored per field (title, text) like MiniSearch and Lucene, the field scores boosted and
 * summed, then multiplied by how many distinct query words matched, so a chunk answering the whole question beats one
 * repeating a single word. Postings are typed arrays and a search scores into a scratch buffer, so a query over a few
 * hundred chunks costs microseconds and allocates almost nothing. Immutable once built: a new version gets a new index.
 */
export class KeywordIndex {
  /** Scratch space for one search at a time (searches are synchronous, so never shared by two). */
  private readonly scores: Float64Array;
  /** Distinct query words matched per chunk (a 2,000-character query has fewer than 65,536). */
  private readonly matched: Uint16Array;
  /** The last query word (numbered from 1) that matched each chunk, so a word counts once whichever form matched. */
  private readonly lastWord: Uint16Array;

  private constructor(
    private readonly ids: Uint32Array,
    /** term → [title posting, text posting]. */
    private readonly postings: Map<string, Array<Posting | null>>,
    /** Per field and chunk: k1 · (1 − b + b · length / average length), the BM25 length normalisation. */
    private readonly norms: Float64Array[],
    /** The vocabulary by its first BUCKET_KEY_LENGTH characters, each bucket sorted. */
    private readonly vocabulary: Map<string, string[]>,
    /** Estimated heap footprint in bytes, for the cache's budget. */
    readonly bytes: number,
  ) {
    this.scores = new Float64Array(ids.length);
    this.matched = new Uint16Array(ids.length);
    this.lastWord = new Uint16Array(ids.length);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Analyses the chunks a slice at a time, yielding to the event loop between slices. */
  static async build(documents: readonly KeywordDocument[]): Promise<KeywordIndex> {
    const n = documents.length;
    const lengths = [new Float64Array(n), new Float64Array(n)];
    // Chunks are analysed in order, so a term's chunk list only grows at its end: plain arrays, no per-term Map.
    const raw = new Map<string, Array<{ docs: number[]; freqs: number[] } | null>>();
    let sliceChars = 0;
    for (let doc = 0; doc < n; doc++) {
      const fields = [documents[doc].title ?? '', documents[doc].text];
      sliceChars += fields[0].length + fields[1].length;
      if (sliceChars > BUILD_SLICE_CHARS) {
        await yieldToLoop();
        sliceChars = fields[0].length + fields[1].length;
      }
      for (let field = 0; field < 2; field++) {
        for (const token of tokenize(fields[field])) {
          const term = analyse(token);
          if (term === null) continue;
          lengths[field][doc]++;
          let perField = raw.get(term);
          if (!perField) raw.set(term, (perField = [null, null]));
          const growing = (perField[field] ??= { docs: [], freqs: [] });
          const last = growing.docs.length - 1;
          if (last >= 0 && growing.docs[last] === doc) growing.freqs[last]++;
          else {
            growing.docs.push(doc);
            growing.freqs.push(1);
          }
        }
      }
    }
    const averages = lengths.map((l) => l.reduce((sum, x) => sum + x, 0) / Math.max(1, n));
    const postings = new Map<string, Array<Posting | null>>();
    // Per term: the Map slot, the array, the posting objects and their typed-array headers; then 6 bytes a posting.
    // Within a factor of two of the heap measured for 100 to 1,000 chunks, on the high side for larger ones.
    let bytes = n * (4 + 8 + 2 + 16) + 64;
    const vocabulary = new Map<string, string[]>();
    let slice = 0;
    for (const [term, perField] of raw) {
      bytes += 2 * term.length + 450;
      postings.set(
        term,
        perField.map((growing) => {
          if (!growing) return null;
          const docs = Uint32Array.from(growing.docs);
          const tf = Uint16Array.from(growing.freqs, (f) => Math.min(f, 0xffff));
          bytes += 6 * docs.length;
          slice += docs.length;
          return { docs, freqs: tf, idf: Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5)) };
        }),
      );
      const key = term.slice(0, BUCKET_KEY_LENGTH);
      const bucket = vocabulary.get(key);
      if (bucket) bucket.push(term);
      else vocabulary.set(key, [term]);
      if (++slice > BUILD_SLICE_POSTINGS) {
        await yieldToLoop();
        slice = 0;
      }
    }
    for (const bucket of vocabulary.values()) {
      bucket.sort();
      slice += bucket.length * Math.log2(bucket.length + 1);
      if (slice > BUILD_SLICE_POSTINGS) {
        await yieldToLoop();
        slice = 0;
      }
    }
    const norms = lengths.map((l, field) => l.map((len) => K1 * (1 - B + (B * len) / Math.max(1, averages[field]))));
    return new KeywordIndex(
      Uint32Array.from(documents, (d) => d.id),
      postings,
      norms,
      vocabulary,
      bytes,
    );
  }

  /**
   * The best `limit` chunks for the query's words, best first; any word may match (like the Postgres OR query).
   * Short queries are prefix-matched, as their tsquery was. `allowed` restricts the result to a filtered subset.
   */
  search(query: ExpandedQuery, limit: number, allowed?: ReadonlySet<number> | null): KeywordMatch[] {
    if (limit < 1 || (allowed && allowed.size === 0)) return [];
    this.scores.fill(0);
    this.matched.fill(0);
    this.lastWord.fill(0);
    const terms = new Set<string>();
    for (const word of query.terms) {
      const term = analyse(word);
      if (term !== null) terms.add(term);
    }
    let word = 0;
    for (const term of terms) {
      word++;
      this.score(this.postings.get(term), 1, word);
      if (query.expanded && term.length >= MIN_PREFIX_LENGTH) {
        for (const completion of this.completions(term)) {
          const weight =
            (PREFIX_WEIGHT * completion.length) / (completion.length + 0.3 * (completion.length - term.length));
          this.score(this.postings.get(completion), weight, word);
        }
      }
    }
    return this.top(limit, allowed ?? null);
  }

  private score(perField: Array<Posting | null> | undefined, weight: number, word: number): void {
    if (!perField) return;
    for (let field = 0; field < perField.length; field++) {
      const posting = perField[field];
      if (!posting) continue;
      const norm = this.norms[field];
      const factor = weight * FIELD_BOOST[field] * posting.idf;
      const { docs, freqs } = posting;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i];
        const tf = freqs[i];
        this.scores[doc] += factor * (DELTA + (tf * (K1 + 1)) / (tf + norm[doc]));
        if (this.lastWord[doc] !== word) {
          this.lastWord[doc] = word;
          this.matched[doc]++;
        }
      }
    }
  }

  /** Vocabulary terms that extend `prefix` (the term itself excluded), by binary search in the prefix's bucket. */
  private *completions(prefix: string): Iterable<string> {
    const terms = this.vocabulary.get(prefix.slice(0, BUCKET_KEY_LENGTH)) ?? [];
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (terms[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < terms.length && terms[i].startsWith(prefix); i++) {
      if (terms[i] !== prefix) yield terms[i];
    }
  }

  /** The `limit` best scored chunks, ties broken by chunk id as the SQL did, so every instance ranks alike. */
  private top(limit: number, allowed: ReadonlySet<number> | null): KeywordMatch[] {
    const best: Array<{ id: number; score: number }> = [];
    const before = (a: { id: number; score: number }, b: { id: number; score: number }) =>
      a.score > b.score || (a.score === b.score && a.id < b.id);
    for (let doc = 0; doc < this.ids.length; doc++) {
      if (this.matched[doc] === 0) continue;
      const id = this.ids[doc];
      if (allowed && !allowed.has(id)) continue;
      const candidate = { id, score: this.scores[doc] * this.matched[doc] };
      if (best.length === limit && !before(candidate, best[limit - 1])) continue;
      // Insertion into a short sorted list: limit is at most a few hundred, most chunks never get past the check above.
      let at = best.length === limit ? limit - 1 : best.length;
      while (at > 0 && before(candidate, best[at - 1])) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = candidate;
    }
    return best.map(({ id, score }) => ({ id, rank: score / (score + RANK_HALF) }));
  }
}
