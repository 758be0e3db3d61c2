import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable, Logger } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import { allowsPrivateOutbound } from 'src/common/net/outbound-policy';
import { AppConfig } from 'src/config/app-config.service';
import { assertPublicUrl } from 'src/rag/crawl/address-guard';
import { categorizePage } from 'src/rag/crawl/page-category';
import { type ExtractedPage, extractPageOffLoop } from 'src/rag/crawl/page-extractor';
import { loadRobots, type RobotsRules } from 'src/rag/crawl/robots';
import { FetchSkipped, SafeFetcher } from 'src/rag/crawl/safe-fetcher';
import { SiteCrawlerErrorCode, SiteCrawlerErrors } from 'src/rag/crawl/site-crawler.errors';
import { collectSitemapPages } from 'src/rag/crawl/sitemap';
import { isSameSite, looksLikePage, normalizeUrl, siteKey } from 'src/rag/crawl/url-normalizer';
import { WorkerFailure } from 'src/rag/parsing/worker-run';

export interface CrawlOptions {
  /** Pages returned at most (1–1000, default 50). */
  maxPages?: number;
  /** Link hops followed from the start page and from sitemap entries (0–10, default 3). */
  maxDepth?: number;
}

export interface CrawledPage {
  /** Canonical URL when the page declares one on the same site, else the URL it was served from. */
  url: string;
  title: string;
  /** Main content; headings as `#` lines, paragraphs separated by blank lines (same contract as DocumentParser). */
  text: string;
  category?: string;
}

/** `done` pages processed (returned or skipped) of `total` expected so far; total grows as links are discovered. */
export type CrawlProgress = (done: number, total: number) => void;

interface QueueItem {
  url: string;
  depth: number;
}

type FetchOutcome = { ok: true; url: string; page: ExtractedPage } | { ok: false; reason: string };

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

/** Crawls one tenant's website: robots.txt and sitemaps first, then same-site links breadth-first. */
@Injectable()
export class SiteCrawler {
  /** The product token robots.txt rules are matched against. */
  static readonly AGENT_TOKEN = 'ConciergeBot';
  private readonly logger = new Logger(SiteCrawler.name);

  constructor(private readonly config: AppConfig) {}

  get userAgent(): string {
    const contact = this.config.get('PUBLIC_BASE_URL');
    return `${SiteCrawler.AGENT_TOKEN}/1.0 (${contact ? `+${contact}; ` : ''}knowledge-base crawler of concierge-platform)`;
  }

  /**
   * Validates a start URL (http(s), no credentials, public address unless OUTBOUND_ALLOW_PRIVATE_URLS) and returns its
   * normalized form. Endpoints call this before queueing a job so a bad URL is a 400, not a failed job.
   */
  async assertCrawlable(rawUrl: string): Promise<string> {
    const url = normalizeUrl(rawUrl);
    if (!url) throw SiteCrawlerErrors.invalidUrl(rawUrl, 'only http(s) URLs without credentials can be crawled');
    if (!allowsPrivateOutbound(this.config)) await assertPublicUrl(new URL(url));
    return url;
  }

  async *crawl(startUrl: string, options: CrawlOptions = {}, onProgress?: CrawlProgress): AsyncIterable<CrawledPage> {
    const { maxPages = 50, maxDepth = 3 } = options;
    if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 1000) {
      throw SiteCrawlerErrors.invalidOptions('maxPages must be an integer from 1 to 1000');
    }
    if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 10) {
      throw SiteCrawlerErrors.invalidOptions('maxDepth must be an integer from 0 to 10');
    }
    const start = await this.assertCrawlable(startUrl);
    const fetcher = new SafeFetcher({
      userAgent: this.userAgent,
      timeoutMs: this.config.get('KB_CRAWL_TIMEOUT_MS'),
      maxBytes: this.config.get('KB_CRAWL_MAX_PAGE_BYTES'),
      allowPrivate: allowsPrivateOutbound(this.config),
    });
    try {
      yield* this.run(fetcher, start, maxPages, maxDepth, onProgress);
    } finally {
      await fetcher.close();
    }
  }

  private async *run(
    fetcher: SafeFetcher,
    start: string,
    maxPages: number,
    maxDepth: number,
    onProgress?: CrawlProgress,
  ): AsyncGenerator<CrawledPage> {
    const site = siteKey(start);
    const robotsByOrigin = new Map<string, Promise<RobotsRules>>();
    const robotsFor = (url: string): Promise<RobotsRules> => {
      const origin = new URL(url).origin;
      if (!robotsByOrigin.has(origin)) robotsByOrigin.set(origin, loadRobots(fetcher, origin, SiteCrawler.AGENT_TOKEN));
      return robotsByOrigin.get(origin) as Promise<RobotsRules>;
    };

    const queue: QueueItem[] = [];
    const seen = new Set<string>();
    const enqueue = (href: string, depth: number) => {
      const url = normalizeUrl(href);
      if (!url || seen.has(url) || !isSameSite(url, site) || !looksLikePage(url)) return;
      seen.add(url);
      queue.push({ url, depth });
    };
    enqueue(start, 0);
    const startRobots = await robotsFor(start);
    for (const page of await this.sitemapSeeds(fetcher, start, site, startRobots, maxPages)) enqueue(page, 0);

    const concurrency = startRobots.crawlDelayMs ? 1 : this.config.get('KB_CRAWL_CONCURRENCY');
    const served = new Set<string>();
    const failures: string[] = [];
    let yielded = 0;
    let processed = 0;
    let attempts = 0;
    // Dead links must not exhaust the crawl, but a site of nothing but dead links must not run forever either.
    const maxAttempts = maxPages * 2 + 10;

    while (queue.length && yielded < maxPages && attempts < maxAttempts) {
      const batch = queue.splice(0, Math.min(concurrency, maxPages - yielded, maxAttempts - attempts));
      attempts += batch.length;
      const outcomes = await Promise.all(
        batch.map((item) => this.fetchPage(fetcher, item.url, start, site, robotsFor)),
      );
      for (const [i, outcome] of outcomes.entries()) {
        processed++;
        const item = batch[i];
        if (!outcome.ok) {
          failures.push(`${item.url}: ${outcome.reason}`);
          this.logger.debug({ event: 'kb.crawl.skipped', url: item.url, reason: outcome.reason });
        } else {
          const { page } = outcome;
          const canonical = page.canonical && isSameSite(page.canonical, site) ? page.canonical : outcome.url;
          if (!page.nofollow && item.depth < maxDepth) page.links.forEach((link) => enqueue(link, item.depth + 1));
          const duplicate = served.has(outcome.url) || served.has(canonical);
          [outcome.url, canonical].forEach((u) => {
            served.add(u);
            seen.add(u);
          });
          if (!duplicate && !page.noindex && page.text && yielded < maxPages) {
            yielded++;
            yield {
              url: canonical,
              title: page.title ?? fallbackTitle(canonical),
              text: page.text,
              category: categorizePage(canonical, page.title),
            };
          }
        }
        onProgress?.(processed, processed + Math.min(queue.length, maxPages - yielded));
      }
      if (startRobots.crawlDelayMs && queue.length) await sleep(startRobots.crawlDelayMs);
    }
    onProgress?.(processed, processed);
    this.logger.log({ event: 'kb.crawl.finished', site, pages: yielded, skipped: failures.length });
    if (yielded === 0) throw SiteCrawlerErrors.nothingCrawled(start, failures[0] ?? 'no page had readable text');
  }

  /** robots.txt Sitemap: lines, else the conventional locations; entries are seeds, filtered like links. */
  private async sitemapSeeds(
    fetcher: SafeFetcher,
    start: string,
    site: string,
    robots: RobotsRules,
    maxPages: number,
  ): Promise<string[]> {
    const sameSite = (url: string) => isSameSite(url, site);
    const limit = maxPages * 3;
    const declared = robots.sitemaps.filter((u) => normalizeUrl(u) && sameSite(u));
    if (declared.length) return collectSitemapPages(fetcher, declared, sameSite, limit);
    for (const path of ['/sitemap.xml', '/sitemap_index.xml']) {
      const pages = await collectSitemapPages(fetcher, [new URL(path, start).href], sameSite, limit);
      if (pages.length) return pages;
    }
    return [];
  }

  private async fetchPage(
    fetcher: SafeFetcher,
    url: string,
    start: string,
    site: string,
    robotsFor: (url: string) => Promise<RobotsRules>,
  ): Promise<FetchOutcome> {
    try {
      const robots = await robotsFor(url);
      if (!robots.isAllowed(url)) return { ok: false, reason: robots.blockedReason ?? 'disallowed by robots.txt' };
      const res = await fetcher.get(url, HTML_TYPES, (next) => isSameSite(next, site));
      const finalUrl = normalizeUrl(res.url) ?? url;
      if (finalUrl !== url && !(await robotsFor(finalUrl)).isAllowed(finalUrl)) {
        return { ok: false, reason: 'redirect target disallowed by robots.txt' };
      }
      return { ok: true, url: finalUrl, page: await extractPageOffLoop(res.body, finalUrl, res.charset) };
    } catch (err) {
      if (err instanceof FetchSkipped) return { ok: false, reason: err.message };
      // A page whose parsing timed out, ran out of memory or crashed is skipped like any unreadable page.
      if (err instanceof WorkerFailure) return { ok: false, reason: err.message };
      // The start URL must not be silently replaced by nothing: an address refusal there is the job's answer.
      if (err instanceof AppError && err.code === SiteCrawlerErrorCode.FORBIDDEN_ADDRESS && url === start) throw err;
      if (err instanceof AppError) return { ok: false, reason: err.message };
      this.logger.warn({ event: 'kb.crawl.page_failed', url, error: err instanceof Error ? err.message : String(err) });
      return { ok: false, reason: 'unexpected error' };
    }
  }
}

function fallbackTitle(url: string): string {
  const { hostname, pathname } = new URL(url);
  return pathname === '/' ? hostname : `${hostname}${pathname}`;
}
