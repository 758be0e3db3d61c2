import { AppError } from 'src/common/errors/app-error';

export const SiteCrawlerErrorCode = {
  INVALID_URL: 'RAG.CRAWL_INVALID_URL',
  FORBIDDEN_ADDRESS: 'RAG.CRAWL_FORBIDDEN_ADDRESS',
  INVALID_OPTIONS: 'RAG.CRAWL_INVALID_OPTIONS',
  NOTHING_CRAWLED: 'RAG.CRAWL_NOTHING_CRAWLED',
} as const;

export const SiteCrawlerErrors = {
  invalidUrl: (url: string, reason: string) =>
    new AppError('VALIDATION', SiteCrawlerErrorCode.INVALID_URL, `Cannot crawl "${url}": ${reason}`),
  forbiddenAddress: (url: string, address: string) =>
    new AppError(
      'VALIDATION',
      SiteCrawlerErrorCode.FORBIDDEN_ADDRESS,
      `Cannot crawl "${url}": it resolves to ${address}, a private, loopback or link-local address (OUTBOUND_ALLOW_PRIVATE_URLS=true lifts this, for tests only)`,
    ),
  invalidOptions: (message: string) => new AppError('VALIDATION', SiteCrawlerErrorCode.INVALID_OPTIONS, message),
  nothingCrawled: (url: string, reason: string) =>
    new AppError(
      'VALIDATION',
      SiteCrawlerErrorCode.NOTHING_CRAWLED,
      `Crawling "${url}" found no readable page: ${reason}`,
    ),
};
