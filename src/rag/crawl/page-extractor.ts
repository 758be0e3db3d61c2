import { loadBuffer } from 'cheerio';

import { normalizeUrl } from 'src/rag/crawl/url-normalizer';
import { extractHtmlContent } from 'src/rag/parsing/html-content';
import { firstReply, spawnModuleWorker } from 'src/rag/parsing/worker-run';

/**
 * Pages under this size are read on the calling thread, at about 0.2 ms a kilobyte (so up to ~13 ms): a worker costs
 * the loop ~5 ms to start and to copy back, and a crawl would start one for nearly every page. Larger pages (up to
 * KB_CRAWL_MAX_PAGE_BYTES, 5 MB by default: ~0.8 s inline) go to a worker thread, as uploaded HTML files do: parsing a
 * page into a DOM and walking it is CPU-bound, and the event loop it would hold serves chat turns and calls.
 */
export const INLINE_PAGE_BYTES = 64 * 1024;

/** Bounds on one page's worker: a pathological DOM costs one thread for this long at most, never the process. */
const PAGE_WORKER_TIMEOUT_MS = 30_000;
const PAGE_WORKER_MAX_HEAP_MB = 256;

export interface PageWorkerInput {
  data: Uint8Array;
  pageUrl: string;
  charset?: string;
}

export type PageWorkerReply = { ok: true; page: ExtractedPage } | { ok: false; detail: string };

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

/**
 * extractPage, in a worker thread for a page of INLINE_PAGE_BYTES or more. Rejects with a WorkerFailure when the
 * worker times out, runs out of memory or dies, and with an Error when the page could not be parsed.
 */
export async function extractPageOffLoop(body: Buffer, pageUrl: string, charset?: string): Promise<ExtractedPage> {
  if (body.length < INLINE_PAGE_BYTES) return extractPage(body, pageUrl, charset);
  // A copy, transferred: the fetched body may be a slice of a pooled allocation.
  const data = new Uint8Array(body);
  const input: PageWorkerInput = { data, pageUrl, charset };
  const worker = spawnModuleWorker(__dirname, 'page.worker', input, {
    transferList: [data.buffer],
    resourceLimits: { maxOldGenerationSizeMb: PAGE_WORKER_MAX_HEAP_MB, maxYoungGenerationSizeMb: 32 },
  });
  const reply = await firstReply<PageWorkerReply>(worker, PAGE_WORKER_TIMEOUT_MS, 'Reading the page');
  if (!reply.ok) throw new Error(`Reading the page failed: ${reply.detail}`);
  return reply.page;
}
