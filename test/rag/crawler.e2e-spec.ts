import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import { type EnvSchema, validateEnv } from 'src/config/env.schema';
import { type CrawledPage, type CrawlOptions, SiteCrawler } from 'src/rag/crawl/site-crawler';
import { SiteCrawlerErrorCode } from 'src/rag/crawl/site-crawler.errors';
import { buildHtmlPage } from 'test/factories/knowledge-file.factory';

interface SeenRequest {
  host: string;
  path: string;
  userAgent: string;
}

/**
 * A small company website on 127.0.0.1: robots.txt with a Disallow and a sitemap index, pages wrapped in nav/footer
 * chrome, links to another host ("localhost" is a different host name for the same server), tracking parameters,
 * an off-site redirect, a duplicate behind a redirect, a noindex page, an oversized page and a page that never answers.
 */
function startSite(): Promise<{ server: Server; origin: string; requests: SeenRequest[] }> {
  const requests: SeenRequest[] = [];
  let origin = '';
  let port = 0;
  const pages: Record<string, string> = {
    '/': buildHtmlPage({
      title: 'Acme Plumbing',
      heading: 'Plumbing you can trust',
      paragraphs: ['Family-run plumbers serving Springfield since 1987.'],
      links: [
        '/pricing?utm_campaign=spring&gclid=abc#plans',
        '/pricing?fbclid=zzz',
        '/private/secret',
        '/logo.png',
        '/gone',
        '/old-about',
        '/redirect-out',
        '/hidden',
        '/huge',
        '/slow',
      ],
    }),
    '/services': buildHtmlPage({
      title: 'Services | Acme',
      heading: 'Our services',
      paragraphs: ['Drain cleaning, boiler repair and leak detection.'],
    }),
    '/about': buildHtmlPage({
      title: 'About | Acme',
      heading: 'About Acme',
      paragraphs: ['Founded by Maria Lopez, a master plumber with 30 years of experience.'],
    }),
    '/pricing': buildHtmlPage({
      title: 'Pricing | Acme',
      heading: 'Pricing',
      paragraphs: ['Call-out fee is $60; hourly rate is $45.'],
      links: ['/careers'],
    }),
    '/careers': buildHtmlPage({ title: 'Careers', heading: 'Careers', paragraphs: ['We are hiring apprentices.'] }),
    '/private/secret': buildHtmlPage({ title: 'Secret', heading: 'Secret', paragraphs: ['SECRET-ROBOTS-CANARY'] }),
    '/hidden': buildHtmlPage({ title: 'Hidden', heading: 'Hidden', paragraphs: ['NOINDEX-CANARY'] }).replace(
      '<head>',
      '<head><meta name="robots" content="noindex">',
    ),
    '/huge': buildHtmlPage({ title: 'Huge', heading: 'Huge', paragraphs: ['HUGE-CANARY ' + 'x'.repeat(300_000)] }),
  };
  const server = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ host: req.headers.host ?? '', path: req.url ?? '', userAgent: req.headers['user-agent'] ?? '' });
    if (req.headers.host !== `127.0.0.1:${port}`) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<main><p>OTHER-HOST-CANARY</p></main>');
      return;
    }
    switch (path) {
      case '/robots.txt':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`User-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/sitemap_index.xml\n`);
        return;
      case '/sitemap_index.xml':
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/sitemap-pages.xml</loc></sitemap></sitemapindex>`,
        );
        return;
      case '/sitemap-pages.xml':
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${[
            '/',
            '/services',
            '/about?utm_source=sitemap',
            '/private/secret',
          ]
            .map((p) => `<url><loc>${origin}${p}</loc></url>`)
            .join('')}</urlset>`,
        );
        return;
      case '/old-about':
        res.writeHead(301, { location: '/about' }).end();
        return;
      case '/redirect-out':
        res.writeHead(302, { location: `http://localhost:${port}/landing` }).end();
        return;
      case '/slow':
        return; // never answers: the crawler's timeout must give up on it
      default:
        if (pages[path]) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages[path]);
        else res.writeHead(404, { 'content-type': 'text/html' }).end('<p>Not found</p>');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      origin = `http://127.0.0.1:${port}`;
      resolve({ server, origin, requests });
    });
  });
}

/** A bare site: robots.txt answers `robotsStatus`, there is no sitemap, pages link to each other. */
function startBareSite(robotsStatus: number): Promise<{ server: Server; origin: string }> {
  const pages: Record<string, string> = {
    '/': buildHtmlPage({ title: 'Home', heading: 'Welcome', paragraphs: ['Bare site home.'], links: ['/a'] }),
    '/a': buildHtmlPage({ title: 'A', heading: 'Page A', paragraphs: ['Reached only by a link.'], links: ['/'] }),
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/robots.txt') res.writeHead(robotsStatus, { 'content-type': 'text/plain' }).end('');
    else if (pages[path]) res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

function crawlerWith(env: Record<string, string>): SiteCrawler {
  const config = validateEnv({ ...process.env, ...env });
  return new SiteCrawler(new AppConfig(new ConfigService<EnvSchema, true>(config)));
}

async function collect(
  crawler: SiteCrawler,
  url: string,
  options: CrawlOptions,
  progress: Array<[number, number]> = [],
) {
  const pages: CrawledPage[] = [];
  for await (const page of crawler.crawl(url, options, (done, total) => progress.push([done, total]))) pages.push(page);
  return pages;
}

describe('SiteCrawler against a local website', () => {
  let site: Awaited<ReturnType<typeof startSite>>;

  beforeAll(async () => {
    Logger.overrideLogger(false); // the crawler runs outside an app here, so nothing routes its logs to pino
    site = await startSite();
  });

  afterAll(async () => {
    site.server.closeAllConnections();
    await new Promise((resolve) => site.server.close(resolve));
  });

  beforeEach(() => {
    site.requests.length = 0;
  });

  describe('with OUTBOUND_ALLOW_PRIVATE_URLS=true', () => {
    const crawler = crawlerWith({
      OUTBOUND_ALLOW_PRIVATE_URLS: 'true',
      // /slow never answers, so every crawl here waits this long once; 1 s was short enough for the robots.txt or
      // sitemap fetch to time out on a loaded CI machine, which reordered the pages.
      KB_CRAWL_TIMEOUT_MS: '3000',
      KB_CRAWL_MAX_PAGE_BYTES: '200000',
    });

    it('returns the sitemap pages first, then linked pages, each once, with main content and a category', async () => {
      const progress: Array<[number, number]> = [];
      const pages = await collect(
        crawler,
        `${site.origin}/?utm_source=newsletter`,
        { maxPages: 20, maxDepth: 1 },
        progress,
      );

      expect(pages.map((p) => p.url)).toEqual([
        `${site.origin}/`,
        `${site.origin}/services`,
        `${site.origin}/about`,
        `${site.origin}/pricing`,
      ]);
      const about = pages.find((p) => p.url.endsWith('/about'));
      expect(about).toEqual({
        url: `${site.origin}/about`,
        title: 'About | Acme',
        text: '# About Acme\n\nFounded by Maria Lopez, a master plumber with 30 years of experience.',
        category: 'About',
      });
      expect(pages.find((p) => p.url.endsWith('/pricing'))?.category).toBe('Pricing');
      const allText = pages.map((p) => p.text).join('\n');
      for (const chrome of ['Recent posts', '1 Main Street', 'tracking', 'Services</a>'])
        expect(allText).not.toContain(chrome);
      expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
      expect(progress.every(([done, total]) => done <= total)).toBe(true);
    });

    it('respects robots.txt, stays on the host, honours noindex, depth and size limits, and skips a page that times out', async () => {
      const pages = await collect(crawler, `${site.origin}/`, { maxPages: 20, maxDepth: 1 });
      const paths = site.requests.map((r) => r.path);
      const allText = pages.map((p) => p.text).join('\n');

      expect(paths).not.toContain('/private/secret');
      expect(paths.some((p) => p.includes('utm_') || p.includes('gclid') || p.includes('fbclid'))).toBe(false);
      expect(paths).not.toContain('/careers');
      expect(paths).not.toContain('/logo.png');
      expect(site.requests.every((r) => r.host === new URL(site.origin).host)).toBe(true);
      expect(site.requests.every((r) => r.userAgent.startsWith('ConciergeBot/'))).toBe(true);
      expect(paths.filter((p) => p === '/pricing')).toHaveLength(1);
      expect(paths).toContain('/slow');
      for (const canary of ['SECRET-ROBOTS-CANARY', 'NOINDEX-CANARY', 'HUGE-CANARY', 'OTHER-HOST-CANARY']) {
        expect(allText).not.toContain(canary);
      }
    });

    it('stops at maxPages', async () => {
      const pages = await collect(crawler, `${site.origin}/`, { maxPages: 2, maxDepth: 3 });

      expect(pages.map((p) => p.url)).toEqual([`${site.origin}/`, `${site.origin}/services`]);
    });

    it('follows links from the start page when the site has no sitemap and no robots.txt', async () => {
      const bare = await startBareSite(404);
      try {
        const pages = await collect(crawler, `${bare.origin}/`, { maxPages: 10, maxDepth: 2 });

        expect(pages.map((p) => p.url)).toEqual([`${bare.origin}/`, `${bare.origin}/a`]);
      } finally {
        await stop(bare.server);
      }
    });

    it('crawls nothing while robots.txt answers 5xx, and says why', async () => {
      const bare = await startBareSite(503);
      try {
        await expect(collect(crawler, `${bare.origin}/`, {})).rejects.toMatchObject({
          code: SiteCrawlerErrorCode.NOTHING_CRAWLED,
          message: expect.stringContaining('robots.txt could not be read (HTTP 503)') as unknown,
        });
      } finally {
        await stop(bare.server);
      }
    });

    it('refuses out-of-range options with a validation error', async () => {
      await expect(collect(crawler, `${site.origin}/`, { maxPages: 0 })).rejects.toMatchObject({
        code: SiteCrawlerErrorCode.INVALID_OPTIONS,
      });
    });
  });

  describe('with OUTBOUND_ALLOW_PRIVATE_URLS=false', () => {
    const crawler = crawlerWith({ OUTBOUND_ALLOW_PRIVATE_URLS: 'false' });

    it('refuses 127.0.0.1 before sending any request, naming the URL', async () => {
      const err: unknown = await collect(crawler, `${site.origin}/`, {}).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ kind: 'VALIDATION', code: SiteCrawlerErrorCode.FORBIDDEN_ADDRESS });
      expect((err as AppError).message).toContain(`${site.origin}/`);
      expect(site.requests).toHaveLength(0);
    });

    it('refuses a host name that resolves to loopback in assertCrawlable', async () => {
      const port = new URL(site.origin).port;

      await expect(crawler.assertCrawlable(`http://localhost:${port}/`)).rejects.toMatchObject({
        code: SiteCrawlerErrorCode.FORBIDDEN_ADDRESS,
      });
      expect(site.requests).toHaveLength(0);
    });
  });
});
