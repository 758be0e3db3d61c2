import { TimeSlice } from 'src/common/threads/time-slice';
import { EmbeddingProvider, EmbeddingPurpose } from 'src/rag/embedding-provider.port';
import { conceptOf, isStopWord, isWeakWord, stem, tokenize } from 'src/rag/embeddings/text-features';

const DIMENSION = 768;

/**
 * Longest stretch of embedding between two yields to the event loop. An ingestion embeds chunks in batches of ~100,
 * which as one synchronous loop held chat turns and call audio for 26–30 ms per batch on a quiet 2-core machine (more
 * on a loaded one).
 */
const SLICE_MS = 4;

/** Relative weight of each feature family; tuned on the GoAccel question set (test/rag/retrieval-quality). */
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.8;
/** Shared by synonyms ("quote" / "estimate"); below a word so an exact match still wins over a synonym. */
const CONCEPT_WEIGHT = 0.6;
/** Generic words ("help", "need", "more"): a stand-in for the IDF a stateless embedder cannot know. */
const WEAK_WORD_WEIGHT = 0.3;
/** Per n-gram; a word yields ~3 n-grams per letter, so their sum stays comparable to the word itself. */
const CHAR_NGRAM_WEIGHT = 0.18;
const CHAR_NGRAM_SIZES = [3, 4, 5];
/** Keyed by the first character of the feature name (w: word, v: weak word, b: bigram, s: concept, c: n-gram). */
const FAMILY_WEIGHTS: Record<number, number> = {
  119: WORD_WEIGHT,
  118: WEAK_WORD_WEIGHT,
  98: BIGRAM_WEIGHT,
  115: CONCEPT_WEIGHT,
  99: CHAR_NGRAM_WEIGHT,
};

/**
 * Deterministic, offline embedder (the default when GEMINI_API_KEY is unset): a hashed bag of features, no model.
 *
 * Features: stemmed word unigrams, bigrams of adjacent content words (stop words skipped, so "speed to lead" gives
 * "speed lead"), a concept feature for words in a small generic thesaurus ("quote" ~ "estimate", "lawyer" ~ "legal";
 * see text-features.ts), and character 3–5-grams inside each unstemmed content word (catches morphology and typos the
 * stemmer misses: "invoicing" ~ "invoices"). Counts get sublinear weighting (1 + ln tf) so a repeated word does not drown
 * the rest. Each feature is hashed (FNV-1a) to one of 768 dimensions with a hash-derived sign, which makes collisions
 * cancel on average instead of piling up, and the vector is L2-normalized so cosine = dot product.
 *
 * Limits, honestly: it matches surface forms, not meaning. Paraphrases with no shared words, stems or thesaurus
 * group ("who works there" vs "our team of operators") score near zero; there is no IDF, so words common across a tenant's pages weigh as
 * much as rare ones (the hybrid BM25 leg and the re-ranker compensate); stemming and stop words are English only;
 * 768 hashed dimensions add a little collision noise on long texts. Use Gemini embeddings for semantic recall.
 */
export class LocalEmbeddingProvider extends EmbeddingProvider {
  /** Bump the version whenever features or weights change: stored vectors are then re-embedded, never mixed. */
  readonly modelId = `local-hash-v2-${DIMENSION}`;
  readonly dimension = DIMENSION;

  /** @param sliceMs how long `embed` runs before letting other work on the event loop go first. */
  constructor(private readonly sliceMs = SLICE_MS) {
    super();
  }

  /** Symmetric: questions and chunks are embedded the same way, so `purpose` is accepted and ignored. */
  async embed(texts: string[], _purpose?: EmbeddingPurpose): Promise<Float32Array[]> {
    const slice = new TimeSlice(this.sliceMs);
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      if (vectors.length > 0) await slice.yieldIfDue();
      vectors.push(this.embedOne(text));
    }
    return vectors;
  }

  embedOne(text: string): Float32Array {
    return this.embedTokens(tokenize(text));
  }

  /**
   * `embedOne` of a text already split by `tokenize` (a caller that needs the tokens too splits once). A caller that
   * reads the vector at once may pass `into`, which is overwritten and returned: a new vector of this size is
   * allocated outside V8's heap, which costs ~2.4 µs on Node 20.
   */
  embedTokens(allTokens: readonly string[], into?: Float32Array): Float32Array {
    if (into && into.length !== DIMENSION)
      throw new Error(`embedTokens: into has ${into.length} values, not ${DIMENSION}`);
    const features = new Map<string, number>();
    const add = (feature: string) => features.set(feature, (features.get(feature) ?? 0) + 1);

    const tokens = allTokens.filter((token) => !isStopWord(token));
    const terms = tokens.map(stem);
    for (let i = 0; i < terms.length; i++) {
      // Weak words keep a feature of their own (v:) so they still count, at a fraction of a content word.
      add(`${isWeakWord(tokens[i]) ? 'v' : 'w'}:${terms[i]}`);
      const concept = conceptOf(terms[i]);
      if (concept !== undefined) add(`s:${concept}`);
      if (i + 1 < terms.length) add(`b:${terms[i]} ${terms[i + 1]}`);
    }
    const grams = new CharNgrams();
    for (const token of tokens) {
      if (token.length >= 3 && !isWeakWord(token)) grams.addWord(`<${token}>`);
    }

    const vector = into ? into.fill(0) : new Float32Array(DIMENSION);
    for (const [feature, count] of features) {
      addFeature(vector, fnv1a(feature), FAMILY_WEIGHTS[feature.charCodeAt(0)] ?? CHAR_NGRAM_WEIGHT, count);
    }
    // After every other feature, as when the n-grams were named `c:…` in the same map: float sums keep their order.
    for (let g = 0; g < grams.counts.length; g++)
      addFeature(vector, grams.hashes[g], CHAR_NGRAM_WEIGHT, grams.counts[g]);
    return l2Normalize(vector);
  }
}

/** Adds a feature's signed, sublinearly weighted count at its hashed dimension. */
function addFeature(vector: Float32Array, hash: number, familyWeight: number, count: number): void {
  const sign = hash & 0x80000000 ? -1 : 1;
  vector[(hash & 0x7fffffff) % DIMENSION] += sign * familyWeight * (1 + Math.log(count));
}

/** Letters, digits and the word-boundary marks: the symbols of a word's n-grams after `tokenize`. */
const NGRAM_SYMBOLS = 'abcdefghijklmnopqrstuvwxyz0123456789<>';
/** Symbol → 1…38 by char code (0 where the char is not a symbol), so a 5-gram's code stays below 39⁵ (a small int). */
const SYMBOL_CODE = new Uint8Array(128);
for (let i = 0; i < NGRAM_SYMBOLS.length; i++) SYMBOL_CODE[NGRAM_SYMBOLS.charCodeAt(i)] = i + 1;
/** FNV-1a state after the family prefix `c:` of every n-gram feature. */
const NGRAM_PREFIX_HASH = fnv1aFrom(0x811c9dc5, 'c:', 0, 2);

/**
 * The distinct character n-grams of a text's words with their counts and feature hashes, in first-seen order. A
 * text has a hundred n-grams or more; naming each as a string only to count it was most of an embedding's cost, so
 * an n-gram of letters and digits is keyed by a number that spells it (base 39: one code per n-gram and length) and
 * hashed where it stands. Any other n-gram is keyed by its text, so the counts are exactly those of the names.
 */
class CharNgrams {
  readonly counts: number[] = [];
  readonly hashes: number[] = [];
  private readonly seen = new Map<number | string, number>();

  addWord(padded: string): void {
    for (const n of CHAR_NGRAM_SIZES) {
      for (let start = 0; start + n <= padded.length; start++) this.add(padded, start, n);
    }
  }

  private add(text: string, start: number, n: number): void {
    const key = ngramKey(text, start, n);
    const at = this.seen.get(key);
    if (at !== undefined) {
      this.counts[at]++;
      return;
    }
    this.seen.set(key, this.counts.length);
    this.counts.push(1);
    this.hashes.push(fnv1aFrom(NGRAM_PREFIX_HASH, text, start, start + n));
  }
}

function ngramKey(text: string, start: number, n: number): number | string {
  let code = 0;
  for (let i = start; i < start + n; i++) {
    const char = text.charCodeAt(i);
    const symbol = char < 128 ? SYMBOL_CODE[char] : 0;
    if (symbol === 0) return text.slice(start, start + n);
    code = code * 39 + symbol;
  }
  return code;
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across platforms and Node versions. */
function fnv1a(input: string): number {
  return fnv1aFrom(0x811c9dc5, input, 0, input.length);
}

/** FNV-1a continued from `hash` over `input`'s code units in [start, end). */
function fnv1aFrom(hash: number, input: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** In place; a zero vector (empty or all-stop-word text) stays zero rather than becoming NaN. */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return vector;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= inv;
  return vector;
}
