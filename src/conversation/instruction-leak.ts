/**
 * The check every assistant output passes before it reaches a person, on any channel: chat replies (the response
 * validator) and the phone bridge (the model's output transcription).
 */
export interface LeakPolicy {
  /** Text the output must never echo: the system instruction (platform rules and tenant prompt). */
  protectedText: string;
  /** Marker placed in the instruction (SystemInstructionBuilder.canary); it appears in output only by a leak. */
  canary: string;
}

/** What is said or shown instead of output that leaked the instructions. */
export const LEAK_FALLBACK = "I'm sorry, I can't share that. Is there anything else I can help you with?";

const LEAK_WINDOW = 80;
const MIN_PROTECTED_SEGMENT = 40;
/** A shorter canary without separators could occur in ordinary words. */
const MIN_CANARY = 8;
const INTERNAL_MARKERS = [
  'platform rules',
  'business tenant specific instructions',
  'known visitor details',
  'knowledge base excerpts',
];

/** Text reduced to lower-case words: tags, punctuation and case never hide (or fake) a match. */
export const normalize = (text: string) =>
  text
    .replace(/<[^>]*>/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

interface ProtectedIndex {
  /** Every LEAK_WINDOW-long run of the long protected lines. */
  windows: Set<string>;
  /** Their rolling hashes: a reply's windows are looked up in `windows` only on a hash match. */
  hashes: Set<number>;
  /** Protected lines too short for a window, matched whole. */
  shortSegments: string[];
}

// The protected text is the same for every turn of a tenant, so its index is built once and reused.
const indexCache = new Map<string, ProtectedIndex>();
const INDEX_CACHE_SIZE = 256;

function protectedIndex(protectedText: string): ProtectedIndex {
  const hit = indexCache.get(protectedText);
  if (hit) return hit;
  const index: ProtectedIndex = { windows: new Set(), hashes: new Set(), shortSegments: [] };
  for (const line of protectedText.split('\n')) {
    const segment = normalize(line);
    if (segment.length < MIN_PROTECTED_SEGMENT) continue;
    if (segment.length < LEAK_WINDOW) index.shortSegments.push(segment);
    else for (let i = 0; i + LEAK_WINDOW <= segment.length; i++) index.windows.add(segment.slice(i, i + LEAK_WINDOW));
  }
  for (const window of index.windows) index.hashes.add(windowHash(window, 0));
  if (indexCache.size >= INDEX_CACHE_SIZE) indexCache.delete(indexCache.keys().next().value as string);
  indexCache.set(protectedText, index);
  return index;
}

/**
 * True when the reply carries the canary, an internal section name, or a long verbatim run of the instructions.
 * The canary is also matched with every separator removed: a transcription of speech ("cnry 3f2a…") keeps its
 * letters and digits but not its hyphen.
 */
export function leaksInstructions(reply: string, policy: LeakPolicy): boolean {
  if (policy.canary && reply.toLowerCase().includes(policy.canary.toLowerCase())) return true;
  const out = normalize(reply);
  const canary = normalize(policy.canary).replace(/ /g, '');
  if (canary.length >= MIN_CANARY && out.replace(/ /g, '').includes(canary)) return true;
  if (INTERNAL_MARKERS.some((m) => out.includes(m))) return true;
  if (out.length < MIN_PROTECTED_SEGMENT) return false;
  const index = protectedIndex(policy.protectedText);
  if (index.shortSegments.some((segment) => out.includes(segment))) return true;
  if (out.length < LEAK_WINDOW) return false;
  // Rabin-Karp: every window of the reply is hashed in O(1) from the previous one, and only a hash match is compared
  // as a string (slicing and hashing each 80-character window was the largest step of a grounded turn's validation).
  let hash = windowHash(out, 0);
  for (let i = 0; ; i++) {
    if (index.hashes.has(hash) && index.windows.has(out.slice(i, i + LEAK_WINDOW))) return true;
    if (i + LEAK_WINDOW >= out.length) return false;
    const dropped = Math.imul(out.charCodeAt(i), HASH_BASE_POW);
    hash = (Math.imul((hash - dropped) >>> 0, HASH_BASE) + out.charCodeAt(i + LEAK_WINDOW)) >>> 0;
  }
}

const HASH_BASE = 257;
/** HASH_BASE^(LEAK_WINDOW - 1) mod 2^32: the weight of the character leaving the window. */
const HASH_BASE_POW = Array.from({ length: LEAK_WINDOW - 1 }).reduce<number>(
  (pow) => Math.imul(pow, HASH_BASE) >>> 0,
  1,
);

/** Polynomial hash mod 2^32 of the LEAK_WINDOW characters of `text` from `start`. */
function windowHash(text: string, start: number): number {
  let hash = 0;
  for (let k = 0; k < LEAK_WINDOW; k++) hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(start + k)) >>> 0;
  return hash;
}
