import { LRUCache } from 'lru-cache';

import { LocalEmbeddingProvider } from 'src/rag/embeddings/local-embedding.provider';
import { stem, tokenize } from 'src/rag/embeddings/text-features';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { BUILTIN_EXAMPLES } from 'src/understanding/builtin-intents';
import { IntentClassification, IntentClassifier } from 'src/understanding/intent-classifier.port';

/** Below this score no intent is close enough and the message is `other`. Tuned on the labelled GoAccel set. */
export const OTHER_THRESHOLD = 0.24;
/** The embedder sees content words only; the lexical vector sees every word, so "how are you" is not empty. */
const EMBEDDING_WEIGHT = 0.5;
const LEXICAL_WEIGHT = 0.5;
/** Added when a built-in's cue words occur: the strongest single signal for short, formulaic messages. */
const CUE_BOOST = 0.2;
/** Greetings and thanks are short: "hi, what are your prices?" is about prices, not a greeting. */
const SHORT_MESSAGE_TOKENS = 5;

/**
 * Cue words of the built-ins (the "lexical features"): a message that says "refund" or "speak to a person" is very
 * likely that intent whatever its nearest example. `short` cues count only in short messages.
 */
const CUES: Array<{ intent: string; pattern: RegExp; short?: boolean }> = [
  {
    intent: 'greeting',
    pattern: /^(hi|hello|hey|hiya|howdy|greetings|yo|good (morning|afternoon|evening))\b/,
    short: true,
  },
  { intent: 'thanks', pattern: /\b(thanks|thank you|thx|ty|cheers|appreciate[ds]?)\b/, short: true },
  {
    intent: 'goodbye',
    pattern: /\b(bye|goodbye|see you|see ya|talk (to you )?later|take care|good night|that'?s all)\b/,
    short: true,
  },
  {
    intent: 'human_handoff',
    pattern:
      /\b(human|(?<!are you an? )real person|live (agent|person|chat)|(an?|your) (agent|representative|operator)|speak (to|with) (a|an|someone|somebody|your)|talk (to|with) (a|an|someone|somebody|your)|operator|transfer me)\b/,
  },
  {
    intent: 'appointment',
    pattern: /\b(book|booking|schedule|reschedule|appointment|demo|consultation|meeting|time slot)\b/,
  },
  {
    intent: 'pricing',
    pattern:
      /\b(price|prices|pricing|cost|costs|how much|fee|fees|charge|quote|rates?|discount|free (plan|trial))\b|\$/,
  },
  {
    intent: 'complaint',
    pattern:
      /\b(terrible|awful|horrible|disappointed|disappointing|unhappy|not happy|angry|frustrat\w*|worst|complain\w*|refund|broken|unacceptable|scam|charged twice|money back|ridiculous|doesn'?t work|not working)\b/,
  },
  {
    intent: 'smalltalk',
    pattern:
      /\b(how are you|how'?s it going|who are you|are you (a |an )?(bot|robot|human|real|ai)|your name|who am i (talking|speaking) to|joke|weather|haha+|lol)\b/,
  },
];

interface Example {
  intent: string;
  embedding: Float32Array;
  lexical: Map<string, number>;
  exact: string;
}

/**
 * Where each feature is not zero: the examples (by index) and their weight there, list after list in two typed
 * arrays, list `l` at [start[l], start[l + 1]). A turn walks a few dozen lists; packed, they are a few contiguous
 * runs of memory rather than two heap arrays and an object per feature, which in the running app (where a turn's
 * other work has pushed them out of the CPU caches) made the walk the classifier's largest cost.
 */
interface PackedPostings {
  start: Int32Array;
  examples: Int32Array;
  weights: Float64Array;
}

/**
 * A tenant's examples turned inside out: per embedding dimension and per lexical feature, the examples that have it.
 * A message then touches only the postings of its own few dozen features instead of every example's.
 */
interface ExampleIndex {
  /** Intent names by id: those of the examples in order of their first example, then cue intents without one. */
  names: string[];
  /** The intent id of each example. */
  intentOf: number[];
  /** How many intents have examples: ids below it. */
  withExamples: number;
  /** The intent id of each of CUES. */
  cueIntents: number[];
  exact: Map<string, string>;
  /** List `d` holds dimension d. */
  dimensions: PackedPostings;
  /** The list of each lexical feature. */
  lexicalList: Map<string, number>;
  lexical: PackedPostings;
  /**
   * Scratch of one synchronous `score`: per example, its embedding dot product and lexical cosine; per intent, its
   * best score. Typed arrays of this size live outside V8's heap and cost microseconds to allocate on every turn.
   */
  dot: Float64Array;
  cosine: Float64Array;
  best: Float64Array;
}

/**
 * The offline intent classifier: nearest example on the local embedder (the same hashed features retrieval uses)
 * blended with a lexical bag of every word and word pair, plus cue words of the built-ins. The score of an intent is
 * its nearest example's similarity (plus cue boost); the best intent wins when it reaches OTHER_THRESHOLD, and its
 * score, capped at 1, is the confidence. An exact match of an example (case and punctuation aside) is certain.
 *
 * Examples are embedded and indexed once per tenant config version and kept in a small LRU, so a turn costs one
 * embedding and a walk over the postings of the message's features.
 */
export class OfflineIntentClassifier extends IntentClassifier {
  private readonly embedder = new LocalEmbeddingProvider();
  /** The message's embedding, read at once by the synchronous `score` (see ExampleIndex's scratch). */
  private readonly embedding = new Float32Array(this.embedder.dimension);
  private readonly builtins: Example[];
  private readonly tenants = new LRUCache<string, ExampleIndex>({ max: 500 });

  constructor() {
    super();
    this.builtins = Object.entries(BUILTIN_EXAMPLES).flatMap(([intent, examples]) =>
      examples.map((text) => this.example(intent, text)),
    );
  }

  classify(business: TenantConfig, text: string): Promise<IntentClassification> {
    const words = withoutContactDetails(text);
    return Promise.resolve({ intent: { ...this.score(this.indexOf(business), words), source: 'offline' } });
  }

  /** Best intent and its confidence. */
  private score(index: ExampleIndex, text: string): { name: string; confidence: number } {
    // Split once: the exact match, the embedding, the lexical vector and the length test all read the same tokens.
    const tokens = tokenize(text);
    const exact = tokens.join(' ');
    if (!exact) return { name: 'other', confidence: 1 };
    const hit = index.exact.get(exact);
    if (hit !== undefined) return { name: hit, confidence: 1 };

    const { dot, cosine, best, intentOf, names } = index;
    dot.fill(0);
    cosine.fill(0);
    // Each example's embedding dot product is summed over ascending dimensions, as a dense loop would (the skipped
    // terms are zeros, which leave a float sum unchanged), so scores do not depend on the index.
    const embedding = this.embedder.embedTokens(tokens, this.embedding);
    for (let d = 0; d < embedding.length; d++) {
      const value = embedding[d];
      if (value !== 0) accumulate(dot, index.dimensions, d, value);
    }
    for (const [feature, value] of lexicalVector(tokens)) {
      const list = index.lexicalList.get(feature);
      if (list !== undefined) accumulate(cosine, index.lexical, list, value);
    }
    // No example scores -1 or less (half a cosine of unit vectors plus a non-negative one), so an intent's first
    // example always sets its best; an intent known only by its cue starts from 0.
    best.fill(-1, 0, index.withExamples).fill(0, index.withExamples);
    for (let i = 0; i < intentOf.length; i++) {
      const similarity = EMBEDDING_WEIGHT * dot[i] + LEXICAL_WEIGHT * cosine[i];
      if (similarity > best[intentOf[i]]) best[intentOf[i]] = similarity;
    }
    const lower = text.toLowerCase().replace(/[\u2019]/g, "'");
    const short = tokens.length <= SHORT_MESSAGE_TOKENS;
    CUES.forEach((cue, c) => {
      if ((!cue.short || short) && cue.pattern.test(lower)) best[index.cueIntents[c]] += CUE_BOOST;
    });
    // In id order, the first of equal scores wins.
    let name = 'other';
    let top = 0;
    for (let id = 0; id < names.length; id++) {
      if (best[id] > top) [name, top] = [names[id], best[id]];
    }
    if (top < OTHER_THRESHOLD) return { name: 'other', confidence: round(1 - top) };
    return { name, confidence: round(Math.min(1, top)) };
  }

  private indexOf(business: TenantConfig): ExampleIndex {
    const key = `${business.businessId}:${business.version}`;
    let index = this.tenants.get(key);
    if (!index) {
      const own = (business.intents ?? []).flatMap((intent) =>
        intent.examples.map((text) => this.example(intent.name, text)),
      );
      this.tenants.set(key, (index = indexExamples([...this.builtins, ...own], this.embedder.dimension)));
    }
    return index;
  }

  private example(intent: string, text: string): Example {
    const tokens = tokenize(text);
    return {
      intent,
      embedding: this.embedder.embedTokens(tokens),
      lexical: lexicalVector(tokens),
      exact: tokens.join(' '),
    };
  }
}

function indexExamples(examples: Example[], dimension: number): ExampleIndex {
  const ids = new Map<string, number>();
  const idOf = (intent: string) => {
    let id = ids.get(intent);
    if (id === undefined) ids.set(intent, (id = ids.size));
    return id;
  };
  const intentOf = examples.map((example) => idOf(example.intent));
  const withExamples = ids.size;
  const cueIntents = CUES.map((cue) => idOf(cue.intent));
  const dimensions: Array<Posted | undefined> = [];
  const lexicalList = new Map<string, number>();
  const lexical: Posted[] = [];
  const exact = new Map<string, string>();
  examples.forEach((example, i) => {
    // The first example with this wording decides, as a search in example order would.
    if (!exact.has(example.exact)) exact.set(example.exact, example.intent);
    example.embedding.forEach((value, d) => {
      if (value !== 0) post((dimensions[d] ??= { examples: [], weights: [] }), i, value);
    });
    for (const [feature, value] of example.lexical) {
      let list = lexicalList.get(feature);
      if (list === undefined) {
        lexicalList.set(feature, (list = lexical.length));
        lexical.push({ examples: [], weights: [] });
      }
      post(lexical[list], i, value);
    }
  });
  return {
    names: [...ids.keys()],
    intentOf,
    withExamples,
    cueIntents,
    exact,
    dimensions: pack(dimensions, dimension),
    lexicalList,
    lexical: pack(lexical, lexical.length),
    dot: new Float64Array(examples.length),
    cosine: new Float64Array(examples.length),
    best: new Float64Array(ids.size),
  };
}

/** One feature's postings while an index is built. */
interface Posted {
  examples: number[];
  weights: number[];
}

function post(postings: Posted, example: number, weight: number): void {
  postings.examples.push(example);
  postings.weights.push(weight);
}

function pack(lists: ReadonlyArray<Posted | undefined>, count: number): PackedPostings {
  const start = new Int32Array(count + 1);
  for (let l = 0; l < count; l++) start[l + 1] = start[l] + (lists[l]?.examples.length ?? 0);
  const packed = { start, examples: new Int32Array(start[count]), weights: new Float64Array(start[count]) };
  lists.forEach((list, l) => {
    if (!list) return;
    packed.examples.set(list.examples, start[l]);
    packed.weights.set(list.weights, start[l]);
  });
  return packed;
}

function accumulate(sums: Float64Array, postings: PackedPostings, list: number, value: number): void {
  const { examples, weights } = postings;
  const end = postings.start[list + 1];
  for (let k = postings.start[list]; k < end; k++) sums[examples[k]] += value * weights[k];
}

/** Every stemmed word (stop words included: they carry small talk) and adjacent pair, L2-normalized. */
function lexicalVector(tokens: readonly string[]): Map<string, number> {
  const words = tokens.map(stem);
  const features = new Map<string, number>();
  const add = (f: string, w: number) => features.set(f, (features.get(f) ?? 0) + w);
  words.forEach((word, i) => {
    add(word, 1);
    if (i + 1 < words.length) add(`${word} ${words[i + 1]}`, 1);
  });
  let norm = 0;
  for (const v of features.values()) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (const [k, v] of features) features.set(k, v / norm);
  return features;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Addresses, links and phone numbers say nothing about what a message wants, but their random-looking parts land on
 * hashed features like words do: "my email is lead-1x9xfb80b84e@example.com" was read as a request for a person
 * (and handed off) for some addresses. They are read as the word for what they are.
 */
function withoutContactDetails(text: string): string {
  return text
    .replace(/\bhttps?:\/\/\S+/gi, ' link ')
    .replace(/[^\s@]+@[^\s@]+\.[^\s@]+/g, ' email ')
    .replace(/\+?\d[\d\s().-]{6,}\d/g, ' phone ');
}
