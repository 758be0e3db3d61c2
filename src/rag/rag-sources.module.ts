import { Module } from '@nestjs/common';

import { SiteCrawler } from 'src/rag/crawl/site-crawler';
import { DocumentParser } from 'src/rag/parsing/document-parser';

/**
 * Where knowledge comes from before ingestion: uploaded files (DocumentParser) and tenant websites (SiteCrawler).
 * Both are stateless and tenant-agnostic; the ingestion pipeline imports this module and owns storage.
 */
@Module({
  providers: [DocumentParser, SiteCrawler],
  exports: [DocumentParser, SiteCrawler],
})
export class RagSourcesModule {}
