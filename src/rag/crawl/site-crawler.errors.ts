import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors } from 'src/common/errors/error-catalogue';

export const SiteCrawlerErrorCatalogue = defineErrors({
  INVALID_URL: {
    code: 'RAG.CRAWL_INVALID_URL',
    kind: 'VALIDATION',
    meaning: 'The crawl URL is not an absolute http(s) URL the crawler can fetch (the message says why).',
  },
  FORBIDDEN_ADDRESS: {
    code: 'RAG.CRAWL_FORBIDDEN_ADDRESS',
    kind: 'VALIDATION',
    meaning: 'The crawl URL is or resolves to a private, loopback or link-local address.',
  },
  INVALID_OPTIONS: {
    code: 'RAG.CRAWL_INVALID_OPTIONS',
    kind: 'VALIDATION',
    meaning: 'The crawl limits (`maxPages`, `maxDepth`) are out of range.',
  },
  NOTHING_CRAWLED: {
    code: 'RAG.CRAWL_NOTHING_CRAWLED',
    kind: 'VALIDATION',
    meaning: 'The crawl found no readable page at the URL (the message says why).',
  },
});

export const SiteCrawlerErrorCode = codesOf(SiteCrawlerErrorCatalogue);

export const SiteCrawlerErrors = {
  invalidUrl: (url: string, reason: string) =>
    new AppError(SiteCrawlerErrorCatalogue.INVALID_URL, `Cannot crawl "${url}": ${reason}`),
  forbiddenAddress: (url: string, address: string) =>
    new AppError(
      SiteCrawlerErrorCatalogue.FORBIDDEN_ADDRESS,
      `Cannot crawl "${url}": it resolves to ${address}, a private, loopback or link-local address (OUTBOUND_ALLOW_PRIVATE_URLS=true lifts this, for tests only)`,
    ),
  invalidOptions: (message: string) => new AppError(SiteCrawlerErrorCatalogue.INVALID_OPTIONS, message),
  nothingCrawled: (url: string, reason: string) =>
    new AppError(SiteCrawlerErrorCatalogue.NOTHING_CRAWLED, `Crawling "${url}" found no readable page: ${reason}`),
};
