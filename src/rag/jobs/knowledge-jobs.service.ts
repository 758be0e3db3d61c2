import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { CrawlRequestDto, LegacyScrapeRequestDto } from 'src/rag/dto/knowledge-requests.dto';
import { JobAcceptedDto, JobStatusDto, ScrapingStatusDto } from 'src/rag/dto/knowledge-responses.dto';
import { validateJsonDocuments } from 'src/rag/ingestion/json-documents.validator';
import { parseLegacyNdjson } from 'src/rag/ingestion/legacy-ndjson.parser';
import { CrawlSource } from 'src/rag/jobs/crawl.source';
import { KnowledgeJobQueue } from 'src/rag/jobs/knowledge-job-queue.port';
import type { DocumentsInput, FileInput } from 'src/rag/jobs/knowledge-source.reader';
import type { CrawlInput } from 'src/rag/jobs/knowledge-source.types';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import { DocumentParserErrors } from 'src/rag/parsing/document-parser.errors';
import { detectFormat } from 'src/rag/parsing/format-detection';
import { JobKind, JobRow, KbJobRepository } from 'src/rag/storage/kb-job.repository';
import { TenantService } from 'src/tenant/tenant.service';

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
  size: number;
}

const DEFAULT_MAX_PAGES = 50;
const DEFAULT_MAX_DEPTH = 3;

/** Accepts ingestion requests: validates the input at once (nothing is written for a bad body), stores it, queues it. */
@Injectable()
export class KnowledgeJobsService {
  private readonly logger = new Logger('KnowledgeJobs');

  constructor(
    private readonly tenants: TenantService,
    private readonly jobs: KbJobRepository,
    private readonly queue: KnowledgeJobQueue,
    private readonly config: AppConfig,
    private readonly crawler: CrawlSource,
  ) {}

  /** `body` is the parsed JSON object, or the raw text of an NDJSON upload. */
  async submitDocuments(businessId: string, body: unknown): Promise<JobAcceptedDto> {
    await this.tenants.getCached(businessId);
    const documents = typeof body === 'string' ? parseLegacyNdjson(body) : validateJsonDocuments(body);
    return this.enqueue(businessId, 'documents', { documents } satisfies DocumentsInput);
  }

  async submitFile(businessId: string, file: UploadedFile | undefined, category?: string): Promise<JobAcceptedDto> {
    await this.tenants.getCached(businessId);
    if (!file) throw KnowledgeErrors.invalidFile('file is required (multipart/form-data field "file")');
    const max = this.config.get('KB_MAX_FILE_BYTES');
    if (file.size > max) throw DocumentParserErrors.tooLarge(file.originalname, file.size, max);
    if (file.size === 0) throw DocumentParserErrors.empty(file.originalname);
    // Refuses unsupported types now; the (possibly slow) parsing happens in the job.
    detectFormat(file.buffer, file.originalname, file.mimetype);
    const input: FileInput = {
      filename: file.originalname.slice(0, 255),
      mimetype: file.mimetype,
      category: category ?? null,
    };
    return this.enqueue(businessId, 'files', input, file.buffer);
  }

  async submitCrawl(businessId: string, dto: CrawlRequestDto): Promise<JobAcceptedDto> {
    await this.tenants.getCached(businessId);
    const input: CrawlInput = {
      url: await this.crawler.assertCrawlable(dto.url),
      maxPages: dto.maxPages ?? DEFAULT_MAX_PAGES,
      maxDepth: dto.maxDepth ?? DEFAULT_MAX_DEPTH,
      category: dto.category ?? null,
    };
    return this.enqueue(businessId, 'crawl', input);
  }

  /** Legacy: crawl the tenant's configured website. */
  async scrapeWebsite(businessId: string, dto: LegacyScrapeRequestDto): Promise<JobAcceptedDto> {
    const business = await this.tenants.getCached(businessId);
    if (!business.websiteUrl) throw KnowledgeErrors.noWebsite(businessId);
    return this.submitCrawl(businessId, { url: business.websiteUrl, maxPages: dto.maxPages, maxDepth: dto.maxDepth });
  }

  async status(businessId: string, jobId: string): Promise<JobStatusDto> {
    await this.tenants.getCached(businessId);
    const job = /^[0-9a-f-]{36}$/i.test(jobId) ? await this.jobs.find(businessId, jobId) : null;
    if (!job) throw KnowledgeErrors.jobNotFound(jobId);
    return toJobStatus(job);
  }

  async scrapingStatus(businessId: string): Promise<ScrapingStatusDto> {
    await this.tenants.getCached(businessId);
    const job = await this.jobs.latest(businessId, 'crawl');
    return {
      businessId,
      status: job?.status ?? 'idle',
      progress: job?.progress ?? 0,
      message: job?.message ?? null,
      jobId: job?.id ?? null,
      counts: job?.counts ?? {},
    };
  }

  private async enqueue(businessId: string, kind: JobKind, input: object, fileData?: Buffer): Promise<JobAcceptedDto> {
    const job = await this.jobs.create(businessId, kind, input as Record<string, unknown>, fileData);
    try {
      await this.queue.enqueue(job.id);
    } catch (err) {
      // The job is durable in Postgres as queued, so it is accepted: KnowledgeJobSweeper delivers it once the queue
      // (Redis) answers again.
      this.logger.warn(
        { businessId, jobId: job.id, err: (err as Error).message },
        'knowledge job enqueue failed; the sweep will retry',
      );
    }
    return { jobId: job.id, status: job.status };
  }
}

export function toJobStatus(job: JobRow): JobStatusDto {
  return {
    jobId: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    message: job.message,
    counts: job.counts,
    version: job.version,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
