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
  /** Protected lines too short for a window, matched whole. */
  shortSegments: string[];
}

// The protected text is the same for every turn of a tenant, so its index is built once and reused.
const indexCache = new Map<string, ProtectedIndex>();
const INDEX_CACHE_SIZE = 256;

function protectedIndex(protectedText: string): ProtectedIndex {
  const hit = indexCache.get(protectedText);
  if (hit) return hit;
  const index: ProtectedIndex = { windows: new Set(), shortSegments: [] };
  for (const line of protectedText.split('\n')) {
    const segment = normalize(line);
    if (segment.length < MIN_PROTECTED_SEGMENT) continue;
    if (segment.length < LEAK_WINDOW) index.shortSegments.push(segment);
    else for (let i = 0; i + LEAK_WINDOW <= segment.length; i++) index.windows.add(segment.slice(i, i + LEAK_WINDOW));
  }
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
  for (let i = 0; i + LEAK_WINDOW <= out.length; i++) if (index.windows.has(out.slice(i, i + LEAK_WINDOW))) return true;
  return false;
}
