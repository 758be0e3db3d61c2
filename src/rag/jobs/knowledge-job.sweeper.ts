import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import { JOB_STALE_AFTER_SECONDS, KnowledgeJobQueue } from 'src/rag/jobs/knowledge-job-queue.port';
import { KbJobRepository } from 'src/rag/storage/kb-job.repository';

/**
 * Hands jobs that Postgres holds as queued (or running with a dead worker) to the queue again, every KB_JOB_SWEEP_MS
 * on worker instances. The job row is written before the enqueue, so a job whose enqueue failed (Redis down at the
 * time) is delivered once Redis is back instead of waiting for the next start. Safe with several instances sweeping:
 * enqueueing is idempotent (the BullMQ job id is the job id; the in-process queue drops ids it holds) and a job is
 * claimed in Postgres by exactly one worker.
 */
@Injectable()
export class KnowledgeJobSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('KnowledgeJobSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly jobs: KbJobRepository,
    private readonly queue: KnowledgeJobQueue,
    private readonly config: AppConfig,
    private readonly role: AppRole,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('KB_JOB_SWEEP_MS');
    if (this.role.runsLoop('knowledge job sweeper', every > 0 && this.config.get('KB_JOBS_WORKER')))
      this.schedule(every);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; returns how many jobs were handed to the queue. Public so tests can sweep deterministically. */
  async sweepOnce(): Promise<number> {
    const ids = await this.jobs.listResumableAnyTenant(JOB_STALE_AFTER_SECONDS);
    for (const id of ids) await this.queue.enqueue(id);
    if (ids.length) this.logger.debug({ event: 'kb_jobs_swept', count: ids.length });
    return ids.length;
  }

  private schedule(every: number): void {
    this.timer = setTimeout(() => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'knowledge job sweep failed; will retry'))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(every);
        });
    }, every);
    this.timer.unref();
  }
}
