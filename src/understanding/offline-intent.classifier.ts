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
 * The offline intent classifier: nearest example on the local embedder (the same hashed features retrieval uses)
 * blended with a lexical bag of every word and word pair, plus cue words of the built-ins. The score of an intent is
 * its nearest example's similarity (plus cue boost); the best intent wins when it reaches OTHER_THRESHOLD, and its
 * score, capped at 1, is the confidence. An exact match of an example (case and punctuation aside) is certain.
 *
 * Examples are embedded once per tenant config version and kept in a small LRU, so a turn costs one embedding and a
 * few hundred dot products.
 */
export class OfflineIntentClassifier extends IntentClassifier {
  private readonly embedder = new LocalEmbeddingProvider();
  private readonly builtins: Example[];
  private readonly tenants = new LRUCache<string, Example[]>({ max: 500 });

  constructor() {
    super();
    this.builtins = Object.entries(BUILTIN_EXAMPLES).flatMap(([intent, examples]) =>
      examples.map((text) => this.example(intent, text)),
    );
  }

  classify(business: TenantConfig, text: string): Promise<IntentClassification> {
    const words = withoutContactDetails(text);
    return Promise.resolve({ intent: { ...this.score(this.examplesOf(business), words), source: 'offline' } });
  }

  /** Best intent and its confidence. */
  private score(examples: Example[], text: string): { name: string; confidence: number } {
    const exact = normalize(text);
    if (!exact) return { name: 'other', confidence: 1 };
    const hit = examples.find((e) => e.exact === exact);
    if (hit) return { name: hit.intent, confidence: 1 };

    const embedding = this.embedder.embedOne(text);
    // A message has a few dozen features in 768 hashed dimensions: the dot products skip its zeros.
    const nonZero = nonZeroDimensions(embedding);
    const lexical = lexicalVector(text);
    const best = new Map<string, number>();
    for (const example of examples) {
      const similarity =
        EMBEDDING_WEIGHT * sparseDot(embedding, nonZero, example.embedding) +
        LEXICAL_WEIGHT * sparseCosine(lexical, example.lexical);
      if (similarity > (best.get(example.intent) ?? -1)) best.set(example.intent, similarity);
    }
    const lower = text.toLowerCase().replace(/[\u2019]/g, "'");
    const short = tokenize(text).length <= SHORT_MESSAGE_TOKENS;
    for (const cue of CUES) {
      if (cue.short && !short) continue;
      if (cue.pattern.test(lower)) best.set(cue.intent, (best.get(cue.intent) ?? 0) + CUE_BOOST);
    }
    let name = 'other';
    let top = 0;
    for (const [intent, score] of best) {
      if (score > top) [name, top] = [intent, score];
    }
    if (top < OTHER_THRESHOLD) return { name: 'other', confidence: round(1 - top) };
    return { name, confidence: round(Math.min(1, top)) };
  }

  private examplesOf(business: TenantConfig): Example[] {
    const key = `${business.businessId}:${business.version}`;
    let examples = this.tenants.get(key);
    if (!examples) {
      const own = (business.intents ?? []).flatMap((intent) =>
        intent.examples.map((text) => this.example(intent.name, text)),
      );
      this.tenants.set(key, (examples = [...this.builtins, ...own]));
    }
    return examples;
  }

  private example(intent: string, text: string): Example {
    return { intent, embedding: this.embedder.embedOne(text), lexical: lexicalVector(text), exact: normalize(text) };
  }
}

function normalize(text: string): string {
  return tokenize(text).join(' ');
}

/** Every stemmed word (stop words included: they carry small talk) and adjacent pair, L2-normalized. */
function lexicalVector(text: string): Map<string, number> {
  const words = tokenize(text).map(stem);
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

function sparseCosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [k, v] of small) sum += v * (large.get(k) ?? 0);
  return sum;
}

/** The dimensions where the vector is not zero, ascending. */
function nonZeroDimensions(vector: Float32Array): Uint16Array {
  const dims: number[] = [];
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) dims.push(i);
  return Uint16Array.from(dims);
}

/**
 * The dot product over `a`'s non-zero dimensions only, in ascending order: the same sum, to the bit, as the full
 * loop (the skipped terms are zeros, which leave a float sum unchanged).
 */
function sparseDot(a: Float32Array, dims: Uint16Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < dims.length; k++) sum += a[dims[k]] * b[dims[k]];
  return sum;
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
