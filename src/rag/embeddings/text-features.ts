/**
 * Tokenizing, stop words and a light English stemmer shared by the local embedder and the lexical re-ranker.
 * Deliberately small: the goal is that "booking", "booked" and "books" meet, not linguistic completeness.
 */

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

/**
 * A light suffix stripper in the spirit of Porter step 1 plus a few derivational endings. Only strips when a stem of
 * at least three letters with a vowel remains, so short words ("bus", "gas") survive intact.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);

  for (const [suffix, replacement] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
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

/** Longest first, so "ization" wins over "ation". */
const DERIVATIONAL: Array<[string, string]> = [
  ['izations', 'iz'],
  ['ization', 'iz'],
  ['ational', 'at'],
  ['fulness', 'ful'],
  ['iveness', 'iv'],
  ['ations', 'at'],
  ['ation', 'at'],
  ['ments', ''],
  ['ment', ''],
  ['ingly', ''],
  ['ities', ''],
  ['ity', ''],
  ['izer', 'iz'],
  ['ized', 'iz'],
  ['izes', 'iz'],
  ['ize', 'iz'],
  ['ally', 'al'],
  ['ly', ''],
  ['ers', ''],
  ['er', ''],
];

/** Content terms of a text: tokens minus stop words, stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    if (!isStopWord(token)) terms.push(stem(token));
  }
  return terms;
}
