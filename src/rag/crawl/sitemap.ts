import { load } from 'cheerio';

import { AppError } from 'src/common/errors/app-error';
import { FetchSkipped, type SafeFetcher } from 'src/rag/crawl/safe-fetcher';

/** Bounds on sitemap discovery: an index of indexes must not become a crawl of its own. */
const MAX_SITEMAP_DOCUMENTS = 25;

export function parseSitemap(xml: string): { pages: string[]; sitemaps: string[] } {
  const $ = load(xml, { xml: true });
  const locs = (selector: string) =>
    $(selector)
      .toArray()
      .map((el) => $(el).text().trim())
      .filter(Boolean);
  return { pages: locs('urlset > url > loc'), sitemaps: locs('sitemapindex > sitemap > loc') };
}

/**
 * Page URLs listed by the given sitemaps, following sitemap indexes breadth-first, in document order, until `limit`
 * URLs are found. Unreadable sitemaps are skipped: a sitemap only seeds the crawl, links are followed anyway.
 */
export async function collectSitemapPages(
  fetcher: SafeFetcher,
  roots: string[],
  accept: (url: string) => boolean,
  limit: number,
): Promise<string[]> {
  const queue = [...roots];
  const visited = new Set<string>();
  const pages: string[] = [];
  while (queue.length && visited.size < MAX_SITEMAP_DOCUMENTS && pages.length < limit) {
    const next = queue.shift() as string;
    if (visited.has(next) || !accept(next)) continue;
    visited.add(next);
    let xml: string;
    try {
      xml = (await fetcher.get(next, [''], (u) => accept(u.href))).body.toString('utf8');
    } catch (err) {
      if (err instanceof FetchSkipped || err instanceof AppError) continue;
      throw err;
    }
    const found = parseSitemap(xml);
    queue.push(...found.sitemaps);
    for (const page of found.pages) {
      if (pages.length >= limit) break;
      if (accept(page)) pages.push(page);
    }
  }
  return pages;
}
