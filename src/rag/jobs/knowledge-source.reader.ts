import { Injectable } from '@nestjs/common';

import { CrawlSource } from 'src/rag/jobs/crawl.source';
import type { CrawlInput, ReadProgress } from 'src/rag/jobs/knowledge-source.types';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import { DocumentParser } from 'src/rag/parsing/document-parser';
import type { SourceDocument } from 'src/rag/processing/source-document';
import type { JobPayload, JobRow } from 'src/rag/storage/kb-job.repository';

export interface DocumentsInput {
  documents: SourceDocument[];
}

export interface FileInput {
  filename: string;
  mimetype: string;
  category: string | null;
}

export interface ReadSources {
  documents: SourceDocument[];
  counts: Record<string, number>;
  /** Set when the source is a complete copy of everything under this URL prefix (a crawl that was not cut short). */
  replaceCrawledUnder?: string;
}

/** Turns a job's stored input into source documents: as given, parsed from the uploaded file, or crawled. */
@Injectable()
export class KnowledgeSourceReader {
  constructor(
    private readonly parser: DocumentParser,
    private readonly crawler: CrawlSource,
  ) {}

  async read(job: JobRow & JobPayload, progress: ReadProgress): Promise<ReadSources> {
    switch (job.kind) {
      case 'documents': {
        const { documents } = job.input as unknown as DocumentsInput;
        return { documents, counts: { received: documents.length } };
      }
      case 'files': {
        const input = job.input as unknown as FileInput;
        if (!job.fileData)
          throw KnowledgeErrors.invalidFile('The uploaded file is no longer available; upload it again');
        await progress(0.1, `Parsing ${input.filename}`);
        const parsed = await this.parser.parse(job.fileData, input.filename, input.mimetype);
        return {
          documents: [
            {
              sourceType: 'file',
              sourceKey: `file:${input.filename}`,
              title: parsed.title ?? input.filename,
              text: parsed.text,
              category: input.category,
              metadata: { filename: input.filename, format: parsed.format },
            },
          ],
          counts: { received: 1 },
        };
      }
      case 'crawl': {
        const input = job.input as unknown as CrawlInput;
        const documents = await this.crawler.crawl(input, progress);
        // A crawl stopped by maxPages has not seen the whole site, so pages it missed may still exist.
        const complete = documents.length < input.maxPages;
        const start = new URL(input.url);
        return {
          documents,
          counts: { pagesCrawled: documents.length },
          replaceCrawledUnder: complete ? `${start.origin}${start.pathname}` : undefined,
        };
      }
      default: {
        const unreachable: never = job.kind;
        throw new Error(`Unknown job kind ${String(unreachable)}`);
      }
    }
  }
}
