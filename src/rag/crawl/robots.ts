import robotsParser from 'robots-parser';

import { FetchSkipped, type SafeFetcher } from 'src/rag/crawl/safe-fetcher';

export interface RobotsRules {
  isAllowed(url: string): boolean;
  sitemaps: string[];
  /** Crawl-delay for our agent (or `*`), capped so one tenant's robots.txt cannot stall a job for hours. */
  crawlDelayMs: number;
  /** Set when the whole site is off limits because robots.txt could not be read; said in the job's error. */
  blockedReason?: string;
}

const MAX_CRAWL_DELAY_MS = 10_000;

const allowAll: RobotsRules = { isAllowed: () => true, sitemaps: [], crawlDelayMs: 0 };
const unreachable = (reason: string): RobotsRules => ({
  isAllowed: () => false,
  sitemaps: [],
  crawlDelayMs: 0,
  blockedReason: `robots.txt could not be read (${reason}), so the site may not be crawled now`,
});

export function parseRobots(robotsUrl: string, contents: string, agentToken: string): RobotsRules {
  const robots = robotsParser(robotsUrl, contents);
  const delay = robots.getCrawlDelay(agentToken);
  return {
    // robots-parser answers undefined for URLs of another origin; those are governed by that origin's own file.
    isAllowed: (url) => robots.isAllowed(url, agentToken) !== false,
    sitemaps: robots.getSitemaps(),
    crawlDelayMs: delay ? Math.min(delay * 1000, MAX_CRAWL_DELAY_MS) : 0,
  };
}

/**
 * RFC 9309: a robots.txt that does not exist (4xx) allows everything; one that cannot be fetched (5xx, network
 * failure) means the site is not to be crawled for now.
 */
export async function loadRobots(fetcher: SafeFetcher, origin: string, agentToken: string): Promise<RobotsRules> {
  const robotsUrl = new URL('/robots.txt', origin).href;
  try {
    const res = await fetcher.get(robotsUrl, ['']);
    return parseRobots(res.url, res.body.toString('utf8'), agentToken);
  } catch (err) {
    if (err instanceof FetchSkipped && err.status !== undefined && err.status >= 400 && err.status < 500)
      return allowAll;
    if (err instanceof FetchSkipped) return unreachable(err.message);
    throw err;
  }
}
