import { Logger, OnApplicationShutdown } from '@nestjs/common';

import {
  JOB_STALE_AFTER_SECONDS,
  JobBusyError,
  KnowledgeJobHandler,
  KnowledgeJobQueue,
} from 'src/rag/jobs/knowledge-job-queue.port';
import { KbJobRepository } from 'src/rag/storage/kb-job.repository';

/**
 * Single-instance queue for the embedded default (no Redis). Postgres holds each job and its input, so on start the
 * queue picks up jobs a previous run left queued or running.
 */
export class InProcessKnowledgeJobQueue extends KnowledgeJobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('KnowledgeJobQueue');
  private readonly pending: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private handler?: KnowledgeJobHandler;
  private stopped = false;

  constructor(
    private readonly jobs: KbJobRepository,
    private readonly concurrency: number,
  ) {
    super();
  }

  enqueue(jobId: string): Promise<void> {
    if (!this.queued.has(jobId)) {
      this.queued.add(jobId);
      this.pending.push(jobId);
    }
    this.pump();
    return Promise.resolve();
  }

  async start(handler: KnowledgeJobHandler): Promise<void> {
    this.handler = handler;
    const leftover = await this.jobs.listResumableAnyTenant(JOB_STALE_AFTER_SECONDS);
    if (leftover.length) this.logger.log({ event: 'kb_jobs_resumed', count: leftover.length });
    for (const id of leftover) await this.enqueue(id);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }

  /** Another worker holds the job; look again once its heartbeat could have gone stale. */
  private retryLater(jobId: string): void {
    if (this.stopped) return;
    setTimeout(() => void this.enqueue(jobId), JOB_STALE_AFTER_SECONDS * 1000).unref();
  }

  private pump(): void {
    while (this.handler && !this.stopped && this.running.size < this.concurrency && this.pending.length) {
      const jobId = this.pending.shift()!;
      const run = this.handler(jobId)
        .catch((err: Error) => {
          if (err instanceof JobBusyError) this.retryLater(jobId);
          else this.logger.error({ jobId, err: err.message }, 'knowledge job crashed');
        })
        .finally(() => {
          this.queued.delete(jobId);
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
  }
}
