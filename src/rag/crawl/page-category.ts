/**
 * A coarse category from the URL path and title, so retrieval can filter (`category=Pricing`) without the admin
 * tagging every crawled page. First match wins; the order puts the most specific intents first.
 */
const RULES: Array<[category: string, pattern: RegExp]> = [
  ['Legal', /\b(privacy|terms|conditions|gdpr|cookie|legal|disclaimer|imprint|impressum|accessibility)\b/],
  ['Pricing', /\b(pricing|prices?|plans?|packages?|rates|quote|cost)\b/],
  ['FAQ', /\b(faqs?|frequently[- ]asked|questions|help|support)\b/],
  ['Contact', /\b(contact|locations?|directions|hours|find[- ]us)\b/],
  ['About', /\b(about|who[- ]we[- ]are|team|our[- ]story|company|careers|jobs)\b/],
  ['Services', /\b(services?|solutions?|products?|what[- ]we[- ]do|offerings?|industries)\b/],
  ['Blog', /\b(blog|news|articles?|posts?|insights|stories)\b/],
];

function readablePath(url: string): string {
  const { pathname } = new URL(url);
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    path = pathname;
  }
  return path
    .toLowerCase()
    .replace(/[_/.]+/g, ' ')
    .trim();
}

/** The path decides; the title only for inner pages (a home page title names everything the business does). */
export function categorizePage(url: string, title: string | null): string {
  const path = readablePath(url);
  const byPath = RULES.find(([, pattern]) => pattern.test(path));
  if (byPath) return byPath[0];
  if (!path || !title) return 'General';
  return RULES.find(([, pattern]) => pattern.test(title.toLowerCase()))?.[0] ?? 'General';
}
