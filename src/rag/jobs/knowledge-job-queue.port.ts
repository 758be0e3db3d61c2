/** Runs one job by id; the job's input and state live in Postgres (kb_jobs). */
export type KnowledgeJobHandler = (jobId: string) => Promise<void>;

/**
 * Delivers ingestion job ids to workers. BullMQ on Redis when configured (jobs survive a restart and are shared by
 * instances); an in-process queue otherwise, which re-reads unfinished jobs from Postgres when it starts.
 */
export abstract class KnowledgeJobQueue {
  abstract enqueue(jobId: string): Promise<void>;
  /** Starts consuming; called once by the runner at bootstrap. */
  abstract start(handler: KnowledgeJobHandler): Promise<void>;
}
