import { createHash } from 'node:crypto';

import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';

import { JOB_STALE_AFTER_SECONDS, KnowledgeJobHandler, KnowledgeJobQueue } from 'src/rag/jobs/knowledge-job-queue.port';
import { KbJobRepository } from 'src/rag/storage/kb-job.repository';
import { redisNamespace } from 'src/redis/redis-namespace';

/**
 * The queue is named after the database it serves: job ids only mean something in that database, so two deployments
 * (or test runs) sharing one Redis must never take each other's jobs.
 */
export function knowledgeQueueName(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'kb-ingest-embedded';
  const url = new URL(databaseUrl);
  const identity = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  return `kb-ingest-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}

/** Same budget as a command on the shared client. */
const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * BullMQ needs connections without a per-command retry limit or timeout (its worker blocks on Redis), and it
 * batches its own commands, so the shared client's automatic pipelining is not carried over. It refuses an ioredis
 * `keyPrefix` (its Lua scripts build key names themselves) and takes the namespace as its own `prefix` instead.
 */
const BULLMQ_CONNECTION = {
  maxRetriesPerRequest: null,
  commandTimeout: undefined,
  enableAutoPipelining: false,
  keyPrefix: '',
};

/** BullMQ joins prefix and queue name with ':', so keys read `<namespace>bull:<queue>:...`. */
const bullPrefix = (redis: Redis) => `${redisNamespace(redis)}bull`;

/**
 * BullMQ on the shared Redis: any instance's worker may take a job, a job whose worker died is re-delivered (stalled
 * job recovery), and the BullMQ job id is our job id so re-enqueueing is idempotent.
 */
export class BullMqKnowledgeJobQueue extends KnowledgeJobQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('KnowledgeJobQueue');
  private readonly queueConnection: Redis;
  private readonly queue: Queue;
  private readonly prefix: string;
  private worker?: Worker;
  private workerConnection?: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly jobs: KbJobRepository,
    private readonly concurrency: number,
    private readonly queueName: string,
    private readonly lockMs: number,
  ) {
    super();
    this.prefix = bullPrefix(redis);
    this.queueConnection = redis.duplicate(BULLMQ_CONNECTION);
    this.queue = new Queue(queueName, {
      connection: this.queueConnection,
      prefix: this.prefix,
      // Retries outlast JOB_STALE_AFTER_SECONDS, so a job whose worker died is taken over by a later attempt.
      defaultJobOptions: {
        attempts: 6,
        backoff: { type: 'exponential', delay: 15_000 },
        removeOnComplete: 1000,
        removeOnFail: 1000,
      },
    });
    // Without a listener BullMQ prints every reconnection failure to the console while Redis is down; one line per
    // outage (the client retries twice a second) is enough.
    let reported: string | undefined;
    this.queue.on('error', (err) => {
      if (err.message !== reported) this.logger.warn({ err: err.message }, 'knowledge queue error');
      reported = err.message;
    });
    this.queueConnection.on('ready', () => (reported = undefined));
  }

  /**
   * Bounded: the queue's connection has no per-command retry limit (BullMQ needs that), so while Redis is down `add`
   * would wait for it. The job row is already in Postgres, and KnowledgeJobSweeper enqueues it again later.
   */
  async enqueue(jobId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const late = () => reject(new Error('the knowledge queue (Redis) did not answer in time'));
      timer = setTimeout(late, ENQUEUE_TIMEOUT_MS);
    });
    const added = this.queue.add('ingest', { jobId }, { jobId });
    // A late failure after the timeout already answered must not surface as an unhandled rejection.
    added.catch(() => undefined);
    try {
      await Promise.race([added, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async start(handler: KnowledgeJobHandler): Promise<void> {
    this.workerConnection = this.redis.duplicate(BULLMQ_CONNECTION);
    this.worker = new Worker<{ jobId: string }>(this.queueName, (job) => handler(job.data.jobId), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: this.concurrency,
      lockDuration: this.lockMs,
      stalledInterval: this.lockMs,
    });
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'knowledge queue worker error'));
    // A crash between writing the job row and adding it to Redis would strand it; adding again is a no-op otherwise.
    for (const id of await this.jobs.listResumableAnyTenant(JOB_STALE_AFTER_SECONDS)) await this.enqueue(id);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    await Promise.all([this.workerConnection, this.queueConnection].map((c) => c?.quit().catch(() => c.disconnect())));
  }
}
