/** Runs one job by id; the job's input and state live in Postgres (kb_jobs). */
export type KnowledgeJobHandler = (jobId: string) => Promise<void>;

/** A running job's worker refreshes its heartbeat this often... */
export const JOB_HEARTBEAT_SECONDS = 10;
/** ...and another worker takes the job over once the heartbeat is this old (its worker died). */
export const JOB_STALE_AFTER_SECONDS = 60;

/** Thrown by the handler when another live worker runs the job; queues that retry should retry later. */
export class JobBusyError extends Error {
  constructor(jobId: string) {
    super(`Job ${jobId} is being run by another worker`);
  }
}

/**
 * Delivers ingestion job ids to workers. BullMQ on Redis when configured (jobs survive a restart and are shared by
 * instances); an in-process queue otherwise, which re-reads unfinished jobs from Postgres when it starts.
 */
export abstract class KnowledgeJobQueue {
  abstract enqueue(jobId: string): Promise<void>;
  /** Starts consuming; called once by the runner at bootstrap. */
  abstract start(handler: KnowledgeJobHandler): Promise<void>;
}
