import { Injectable } from '@nestjs/common';

import { SiteCrawler } from 'src/rag/crawl/site-crawler';
import type { CrawlInput, ReadProgress } from 'src/rag/jobs/knowledge-source.types';
import type { SourceDocument } from 'src/rag/processing/source-document';

/** Progress reports are throttled: a crawl of hundreds of pages should not write a row per page. */
const REPORT_EVERY_MS = 500;

/** Collects a crawl into source documents for one ingestion (the whole site becomes one version). */
@Injectable()
export class CrawlSource {
  constructor(private readonly crawler: SiteCrawler) {}

  /** Normalizes and checks the start URL (scheme, private addresses) so a bad one is refused before queueing. */
  assertCrawlable(url: string): Promise<string> {
    return this.crawler.assertCrawlable(url);
  }

  async crawl(input: CrawlInput, progress: ReadProgress): Promise<SourceDocument[]> {
    const documents: SourceDocument[] = [];
    let pending: Promise<void> = Promise.resolve();
    let lastReport = 0;
    const onProgress = (done: number, total: number) => {
      const now = Date.now();
      if (now - lastReport < REPORT_EVERY_MS) return;
      lastReport = now;
      pending = pending.then(() =>
        progress(done / Math.max(total, 1), `Crawled ${done} of ${total} pages`, { pagesCrawled: documents.length }),
      );
    };
    for await (const page of this.crawler.crawl(
      input.url,
      { maxPages: input.maxPages, maxDepth: input.maxDepth },
      onProgress,
    )) {
      documents.push({
        sourceType: 'crawl',
        url: page.url,
        title: page.title,
        text: page.text,
        category: input.category ?? page.category ?? null,
        // No crawl timestamp here: metadata is part of a chunk's identity, and an unchanged page must stay unchanged.
        metadata: {},
      });
    }
    await pending;
    return documents;
  }
}
