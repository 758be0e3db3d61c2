import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type JobKind = 'documents' | 'files' | 'crawl';
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface JobCounts {
  [key: string]: number;
}

export interface JobRow {
  id: string;
  businessId: string;
  kind: JobKind;
  status: JobStatus;
  progress: number;
  message: string | null;
  counts: JobCounts;
  version: number | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface JobPayload {
  input: Record<string, unknown> | null;
  fileData: Buffer | null;
}

const COLUMNS =
  'id, business_id, kind, status, progress, message, counts, version, attempts, created_at, started_at, finished_at';

function toJob(r: Record<string, unknown>): JobRow {
  return {
    id: r.id as string,
    businessId: r.business_id as string,
    kind: r.kind as JobKind,
    status: r.status as JobStatus,
    progress: r.progress as number,
    message: r.message as string | null,
    counts: r.counts as JobCounts,
    version: r.version as number | null,
    attempts: r.attempts as number,
    createdAt: r.created_at as Date,
    startedAt: r.started_at as Date | null,
    finishedAt: r.finished_at as Date | null,
  };
}

/**
 * Jobs live in Postgres (status, progress, and the uploaded input until it is processed), so a job survives a
 * restart whichever queue delivers it, and any instance can report its status.
 */
@Injectable()
export class KbJobRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(businessId: string, kind: JobKind, input: Record<string, unknown>, fileData?: Buffer): Promise<JobRow> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `INSERT INTO kb_jobs (business_id, kind, input, file_data, message) VALUES ($1, $2, $3, $4, 'Waiting in the queue') RETURNING ${COLUMNS}`,
      [businessId, kind, JSON.stringify(input), fileData ?? null],
    );
    return toJob(rows[0]);
  }

  async find(businessId: string, jobId: string): Promise<JobRow | null> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM kb_jobs WHERE business_id = $1 AND id = $2`,
      [businessId, jobId],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async latest(businessId: string, kind?: JobKind): Promise<JobRow | null> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM kb_jobs WHERE business_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY created_at DESC LIMIT 1`,
      [businessId, kind ?? null],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  /**
   * Takes a queued job, or a running one whose worker stopped sending heartbeats, for execution. Crosses tenants by
   * design: the queue hands over only the job id. 'busy' means another worker is running it right now.
   */
  async claimAnyTenant(jobId: string, staleAfterSeconds: number): Promise<(JobRow & JobPayload) | 'busy' | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE kb_jobs SET status = 'running', attempts = attempts + 1, started_at = now(), heartbeat_at = now(), message = 'Started'
        WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $2))))
        RETURNING ${COLUMNS}, input, file_data`,
      [jobId, staleAfterSeconds],
    )) as [Array<Record<string, unknown>>, number];
    const r = rows[0];
    if (r)
      return { ...toJob(r), input: r.input as Record<string, unknown> | null, fileData: r.file_data as Buffer | null };
    const still: unknown[] = await this.dataSource.query(`SELECT 1 FROM kb_jobs WHERE id = $1 AND status = 'running'`, [
      jobId,
    ]);
    return still.length ? 'busy' : null;
  }

  async heartbeat(businessId: string, jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE kb_jobs SET heartbeat_at = now() WHERE business_id = $1 AND id = $2 AND status = 'running'`,
      [businessId, jobId],
    );
  }

  async progress(
    businessId: string,
    jobId: string,
    progress: number,
    message: string,
    counts?: JobCounts,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE kb_jobs SET progress = $3, message = $4, counts = coalesce($5::jsonb, counts), heartbeat_at = now()
        WHERE business_id = $1 AND id = $2 AND status = 'running'`,
      [
        businessId,
        jobId,
        Math.max(0, Math.min(100, Math.round(progress))),
        message,
        counts ? JSON.stringify(counts) : null,
      ],
    );
  }

  /** Final state; the uploaded input is dropped since it is no longer needed. */
  async finish(
    businessId: string,
    jobId: string,
    status: 'completed' | 'failed',
    message: string,
    counts: JobCounts,
    version: number | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE kb_jobs SET status = $3::varchar, message = $4, counts = $5, version = $6, finished_at = now(),
              progress = CASE WHEN $3::varchar = 'completed' THEN 100 ELSE progress END, input = NULL, file_data = NULL
        WHERE business_id = $1 AND id = $2`,
      [businessId, jobId, status, message, JSON.stringify(counts), version],
    );
  }

  /** Jobs to pick up again after a restart: queued, or running without a recent heartbeat. Crosses tenants by design. */
  async listResumableAnyTenant(staleAfterSeconds: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM kb_jobs
        WHERE status = 'queued' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1)))
        ORDER BY created_at LIMIT 1000`,
      [staleAfterSeconds],
    );
    return rows.map((r) => r.id);
  }
}
