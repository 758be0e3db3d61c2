import { randomUUID } from 'node:crypto';

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import { KnowledgeChangeService } from 'src/rag/ingestion/knowledge-change.service';
import {
  JOB_HEARTBEAT_SECONDS,
  JOB_STALE_AFTER_SECONDS,
  JobBusyError,
  KnowledgeJobQueue,
} from 'src/rag/jobs/knowledge-job-queue.port';
import { KnowledgeSourceReader } from 'src/rag/jobs/knowledge-source.reader';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import { prepareDocuments } from 'src/rag/processing/prepare-documents';
import { KbJobRepository } from 'src/rag/storage/kb-job.repository';

/** Share of the progress bar spent reading the source (parsing, crawling) before the knowledge base changes. */
const READ_SHARE = 40;

/**
 * Executes ingestion jobs: reads the source (stored documents, an uploaded file, a crawl), then applies the change.
 * Progress, counts and the outcome are written to kb_jobs, where any instance reads them.
 */
@Injectable()
export class KnowledgeJobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('KnowledgeJobRunner');

  constructor(
    private readonly queue: KnowledgeJobQueue,
    private readonly jobs: KbJobRepository,
    private readonly reader: KnowledgeSourceReader,
    private readonly change: KnowledgeChangeService,
    private readonly config: AppConfig,
    private readonly role: AppRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role.runsLoop('knowledge job consumer', this.config.get('KB_JOBS_WORKER')))
      await this.queue.start((jobId) => this.run(jobId));
  }

  async run(jobId: string): Promise<void> {
    const job = await this.jobs.claimAnyTenant(jobId, JOB_STALE_AFTER_SECONDS);
    if (job === 'busy') throw new JobBusyError(jobId);
    if (!job) return;
    const { businessId } = job;
    const heartbeat = setInterval(() => {
      this.jobs.heartbeat(businessId, jobId).catch(() => undefined);
    }, JOB_HEARTBEAT_SECONDS * 1000);
    heartbeat.unref();
    const started = Date.now();
    const report = (percent: number, message: string, counts?: Record<string, number>) =>
      this.jobs.progress(businessId, jobId, percent, message, counts);
    try {
      const sources = await this.reader.read(job, (fraction, message, counts) =>
        report(fraction * READ_SHARE, message, counts),
      );
      const prepared = await prepareDocuments(sources.documents);
      if (!prepared.length) throw KnowledgeErrors.noContent(job.kind === 'crawl' ? 'The crawl' : 'The upload');
      const result = await this.change.apply(
        businessId,
        { upsert: prepared, remove: [], reason: 'ingest', jobId, replaceCrawledUnder: sources.replaceCrawledUnder },
        (fraction, message) => report(READ_SHARE + fraction * (100 - READ_SHARE), message),
      );
      const counts = { ...sources.counts, ...result.counts };
      const message =
        result.version === null
          ? 'Completed: the knowledge base already had this content'
          : `Completed: version ${result.version} is active (${counts.added} chunks added, ${counts.removed} removed)`;
      await this.jobs.finish(businessId, jobId, 'completed', message, counts, result.version);
      this.logger.log({
        event: 'kb_job_completed',
        businessId,
        jobId,
        kind: job.kind,
        ms: Date.now() - started,
        version: result.version,
      });
    } catch (err) {
      const known = err instanceof AppError;
      const ref = randomUUID().slice(0, 8);
      const message = known ? err.message : `Internal error while processing the job (ref ${ref})`;
      await this.jobs.finish(businessId, jobId, 'failed', message, {}, null);
      this.logger.warn({ event: 'kb_job_failed', businessId, jobId, kind: job.kind, ref, err: (err as Error).message });
    } finally {
      clearInterval(heartbeat);
    }
  }
}
