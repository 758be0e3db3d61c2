import { loadBuffer } from 'cheerio';

import { normalizeUrl } from 'src/rag/crawl/url-normalizer';
import { extractHtmlContent } from 'src/rag/parsing/html-content';

export interface ExtractedPage {
  title: string | null;
  text: string;
  /** Normalized absolute URLs of every link on the page, navigation included (that is how pages are found). */
  links: string[];
  canonical: string | null;
  /** `<meta name="robots" content="noindex">`: the page asks not to be stored. */
  noindex: boolean;
  /** `<meta name="robots" content="nofollow">`: the page asks that its links not be followed. */
  nofollow: boolean;
}

export function extractPage(body: Buffer, pageUrl: string, charset?: string): ExtractedPage {
  const $ = loadBuffer(body, { encoding: { transportLayerEncodingLabel: charset } });
  const directives = $('meta[name="robots" i], meta[name="conciergebot" i]')
    .toArray()
    .map((el) => ($(el).attr('content') ?? '').toLowerCase())
    .join(',');
  const baseHref = $('base[href]').first().attr('href');
  const base = (baseHref && normalizeUrl(baseHref, pageUrl)) || pageUrl;
  const links = new Set<string>();
  $('a[href], area[href]').each((_, el) => {
    const url = normalizeUrl($(el).attr('href') ?? '', base);
    if (url) links.add(url);
  });
  const canonicalHref = $('link[rel="canonical" i]').first().attr('href');
  const canonical = canonicalHref ? normalizeUrl(canonicalHref, base) : null;
  const { title, text } = extractHtmlContent($);
  return {
    title,
    text,
    links: [...links],
    canonical,
    noindex: /\b(noindex|none)\b/.test(directives),
    nofollow: /\b(nofollow|none)\b/.test(directives),
  };
}
