import { isStopWord, tokenize } from 'src/rag/embeddings/text-features';

/**
 * Words a one- or two-word query ("pricing", "hours?") usually means on a business site. Only applied to very short
 * queries, where a single missing word would otherwise leave keyword search empty.
 */
const RELATED: Record<string, string[]> = {
  price: ['pricing', 'cost', 'plans', 'package'],
  prices: ['pricing', 'cost', 'plans', 'package'],
  pricing: ['price', 'cost', 'plans', 'package'],
  cost: ['price', 'pricing', 'fee'],
  hours: ['open', 'schedule', 'availability'],
  contact: ['phone', 'email', 'call', 'reach'],
  phone: ['call', 'contact', 'number'],
  email: ['contact', 'mail'],
  location: ['address', 'area', 'located'],
  address: ['location', 'located'],
  book: ['appointment', 'schedule', 'booking'],
  booking: ['appointment', 'schedule', 'book'],
  appointment: ['book', 'schedule', 'booking'],
  refund: ['cancel', 'cancellation', 'return'],
  cancel: ['cancellation', 'refund'],
  privacy: ['data', 'personal', 'information'],
  services: ['service', 'offer', 'solutions'],
  about: ['company', 'team', 'mission'],
  reviews: ['review', 'reputation', 'ratings'],
  seo: ['search', 'google', 'ranking'],
  ads: ['advertising', 'campaigns', 'ppc'],
  crm: ['customer', 'relationship', 'management', 'pipeline'],
};

export interface ExpandedQuery {
  /** Query words for full-text search (stop words removed). */
  terms: string[];
  /** True for very short queries: words are prefix-matched and related words added. */
  expanded: boolean;
  /** A to_tsquery expression (OR of terms, prefix-matched when expanded), or null when nothing is searchable. */
  tsquery: string | null;
}

export const SHORT_QUERY_WORDS = 2;

export function expandQuery(query: string): ExpandedQuery {
  const words = [...new Set(tokenize(query).filter((t) => !isStopWord(t)))];
  const expanded = words.length > 0 && words.length <= SHORT_QUERY_WORDS;
  const terms = expanded ? [...new Set([...words, ...words.flatMap((w) => RELATED[w] ?? [])])] : words;
  // tokenize() yields [a-z0-9] words only, so nothing here can break the tsquery syntax.
  const parts = terms.map((t) => (expanded && t.length >= 3 ? `${t}:*` : t));
  return { terms, expanded, tsquery: parts.length ? parts.join(' | ') : null };
}
