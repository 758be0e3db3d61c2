/**
 * Query parameters that identify a visit, not a page: keeping them would crawl and store the same page many times.
 * Prefix entries end with `_`; the rest match whole names.
 */
const TRACKING_PREFIXES = ['utm_', 'mc_', 'pk_', 'mtm_', 'hsa_', '_hs', 'vero_'];
const TRACKING_NAMES = new Set([
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'igshid',
  'mkt_tok',
  'ref',
  'ref_src',
  'referrer',
  '_ga',
  '_gl',
  'hsctatracking',
  'oly_anon_id',
  'oly_enc_id',
  'rb_clickid',
  's_cid',
  'srsltid',
  'sessionid',
  'phpsessid',
  'jsessionid',
]);

/** Links to these are never HTML pages; fetching them would only waste the crawl budget. */
const NON_PAGE_EXTENSION =
  /\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|pdf|docx?|xlsx?|pptx?|zip|gz|tgz|rar|7z|mp[34]|m4a|wav|ogg|webm|mov|avi|css|js|mjs|json|xml|rss|atom|woff2?|ttf|eot|exe|dmg|apk|ics|csv|txt)$/i;

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_NAMES.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * Canonical form used for dedupe: http(s) only, no credentials, no fragment, no tracking parameters, remaining
 * parameters sorted, default port and trailing `?` dropped. Returns null for anything that is not a crawlable URL.
 */
export function normalizeUrl(href: string, base?: string | URL): string | null {
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  url.hash = '';
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTrackingParam(name));
  kept.sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  url.search = new URLSearchParams(kept).toString();
  if (!url.pathname) url.pathname = '/';
  return url.toString();
}

/** `www.example.com` and `example.com` are one site: sites redirect between them and link to both. */
export function siteKey(url: string | URL): string {
  return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
}

export function isSameSite(url: string | URL, site: string): boolean {
  return siteKey(url) === site;
}

export function looksLikePage(url: string): boolean {
  return !NON_PAGE_EXTENSION.test(new URL(url).pathname);
}
