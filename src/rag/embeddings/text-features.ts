/**
 * Tokenizing, stop words and a light English stemmer shared by the local embedder and the lexical re-ranker.
 * Deliberately small: the goal is that "booking", "booked" and "books" meet, not linguistic completeness.
 */

import { LRUCache } from 'lru-cache';

const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on ' +
    'once only or other our ours ourselves out over own same she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up very was we were what when where ' +
    'which while who whom why will with would you your yours yourself yourselves also get gets got may might must ' +
    'shall us via per etc whether within without upon onto s t d ll m re ve y dont doesnt didnt isnt arent wasnt ' +
    'werent wont wouldnt shouldnt couldnt cant cannot let lets'
  ).split(/\s+/),
);

/**
 * Generic words that are not stop words but say little about which page answers a question ("help", "need",
 * "more"). The embedder gives them a fraction of a content word's weight: a stand-in for IDF, which a stateless
 * embedder cannot compute.
 */
const WEAK_WORDS = new Set(
  (
    'help need want make get use work more most best good great new like way thing really know see take give keep ' +
    'go come find look many much well every one two also back sure right able tell please thank thanks hello hi ' +
    'question ask said say way lot kind sort want wants need needs yes okay ok able possible'
  ).split(/\s+/),
);

export function isWeakWord(token: string): boolean {
  return WEAK_WORDS.has(token);
}

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/**
 * Lower-cases, folds accents and typographic quotes, and splits into alphanumeric tokens. Negations fuse as people
 * type them without the apostrophe ("don't" → "dont"); other clitics drop ("business's" → "business").
 */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'");
  const tokens: string[] = [];
  for (const match of folded.matchAll(/[a-z0-9]+(?:'[a-z]+)?/g)) {
    const token = match[0];
    const apostrophe = token.indexOf("'");
    if (apostrophe === -1) tokens.push(token);
    else if (token.endsWith("n't")) tokens.push(token.replace("'", ''));
    else tokens.push(token.slice(0, apostrophe));
  }
  return tokens;
}

const VOWEL = /[aeiouy]/;

// Stemming is pure and a site's vocabulary is small, while the same words are stemmed on every query and ingest.
const STEMS = new LRUCache<string, string>({ max: 50_000 });

/** `stemWord`, memoized. */
export function stem(word: string): string {
  let stemmed = STEMS.get(word);
  if (stemmed === undefined) STEMS.set(word, (stemmed = stemWord(word)));
  return stemmed;
}

/**
 * A light suffix stripper in the spirit of Porter step 1 plus a few derivational endings. Only strips when a stem of
 * at least three letters with a vowel remains, so short words ("bus", "gas") survive intact.
 */
function stemWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);

  for (const [suffix, replacement, minStem] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length >= minStem) {
      const base = w.slice(0, -suffix.length);
      if (VOWEL.test(base)) return base + replacement;
    }
  }
  for (const suffix of ['ing', 'ed']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      let base = w.slice(0, -suffix.length);
      if (!VOWEL.test(base)) continue;
      // "scheduled" → "schedul" + restore "e" is unknowable; undoubling ("planned" → "plan") is the safe part.
      if (/([bdfgmnprt])\1$/.test(base)) base = base.slice(0, -1);
      return base;
    }
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('y') && w.length > 4) w = `${w.slice(0, -1)}i`;
  return w;
}

/**
 * Longest first, so "ization" wins over "ation". The third value is the shortest stem left behind: agent-noun "-er"
 * needs four letters so that "cater" and "caterer" meet at "cater" instead of splitting into "cat" and "cater".
 */
const DERIVATIONAL: Array<[string, string, number]> = [
  ['izations', 'iz', 3],
  ['ization', 'iz', 3],
  ['ational', 'at', 3],
  ['fulness', 'ful', 3],
  ['iveness', 'iv', 3],
  ['ations', 'at', 3],
  ['ation', 'at', 3],
  ['ments', '', 3],
  ['ment', '', 3],
  ['ingly', '', 3],
  ['ities', '', 3],
  ['ity', '', 3],
  ['izer', 'iz', 3],
  ['ized', 'iz', 3],
  ['izes', 'iz', 3],
  ['ize', 'iz', 3],
  ['ally', 'al', 3],
  ['ly', '', 3],
  ['ers', '', 4],
  ['er', '', 4],
];

/** Content terms of a text: tokens minus stop words, stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    if (!isStopWord(token)) terms.push(stem(token));
  }
  return terms;
}

export interface TermStats {
  /** How often each content term occurs. */
  counts: ReadonlyMap<string, number>;
  /** Number of content terms, repeats included. */
  length: number;
}

// A chunk's text never changes, so its terms are analysed once: cached chunk views keep theirs, and this cache lets
// the tenants holding the same page share one analysis. Keyed by the text itself: an edited chunk simply misses.
const STATS = new LRUCache<string, TermStats>({ max: 4096 });

/** Content-term counts of a stored text (a chunk, with its title), cached. Callers must not mutate the result. */
export function termStats(text: string): TermStats {
  let stats = STATS.get(text);
  if (!stats) {
    const counts = new Map<string, number>();
    const terms = contentTerms(text);
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    STATS.set(text, (stats = { counts, length: terms.length }));
  }
  return stats;
}

/**
 * Small thesaurus of words visitors and business sites use interchangeably. Members of a group share a concept
 * feature in the local embedder, so "quote" meets "estimate" and "lawyer" meets "legal" without a model. Kept to
 * generic small-business vocabulary; anything domain-specific belongs in the tenant's own text.
 */
const CONCEPT_GROUPS: string[][] = [
  ['price', 'pricing', 'cost', 'fee', 'rate', 'charge', 'expensive', 'cheap', 'afford'],
  ['quote', 'estimate', 'proposal', 'bid'],
  ['refund', 'reimburse', 'moneyback'],
  ['cancel', 'cancellation', 'terminate', 'termination'],
  ['book', 'booking', 'appointment', 'schedule', 'reserve', 'reservation', 'calendar'],
  ['phone', 'call', 'telephone', 'ring', 'caller'],
  ['email', 'mail', 'inbox'],
  ['text', 'sms', 'message', 'messaging'],
  ['contact', 'reach'],
  ['hour', 'open', 'opening', 'closed', 'availability'],
  ['location', 'address', 'located', 'area', 'nearby', 'local', 'city'],
  ['team', 'staff', 'employee', 'people', 'crew', 'personnel'],
  ['customer', 'client', 'patient', 'homeowner', 'buyer'],
  ['lead', 'prospect', 'inquiry', 'enquiry'],
  ['review', 'rating', 'testimonial', 'reputation', 'feedback'],
  ['lawyer', 'attorney', 'legal', 'law', 'firm'],
  ['accountant', 'accounting', 'bookkeeping', 'cpa', 'tax'],
  ['doctor', 'clinic', 'medical', 'healthcare', 'health', 'dentist', 'dental', 'chiropractor', 'chiropractic'],
  ['salon', 'spa', 'barber', 'hair', 'beauty', 'grooming'],
  ['wedding', 'event', 'venue', 'party', 'catering', 'caterer'],
  ['website', 'site', 'webpage', 'homepage'],
  ['seo', 'organic', 'ranking', 'rank', 'search'],
  ['ad', 'ads', 'advertising', 'advert', 'ppc', 'paid', 'campaign'],
  ['privacy', 'personal', 'data', 'information'],
  ['delete', 'deletion', 'erase', 'remove'],
  ['sell', 'sale', 'exit', 'acquisition'],
  ['free', 'complimentary', 'gratis'],
  ['job', 'work', 'project'],
  ['remind', 'reminder', 'followup', 'follow'],
  ['investor', 'invest', 'investment', 'shareholder'],
  ['insurance', 'insurer', 'mortgage', 'lending', 'lender', 'loan', 'financial', 'advisor'],
  ['developer', 'api', 'integration', 'integrate', 'app'],
];

const CONCEPT_OF = new Map<string, number>();
CONCEPT_GROUPS.forEach((group, id) => {
  for (const word of group) CONCEPT_OF.set(stem(word), id);
});

/** Concept id of a stemmed content term, if it belongs to one of the synonym groups. */
export function conceptOf(term: string): number | undefined {
  return CONCEPT_OF.get(term);
}
