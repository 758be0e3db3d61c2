import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

import { PurgeBatch, PurgeStatement, RetentionRepository } from 'src/analytics/retention/retention.repository';
import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';

/** Rows per DELETE statement: each holds its locks briefly and writes a bounded amount of WAL. */
const BATCH_ROWS = 5000;
/** Between full batches, so autovacuum, replication and live traffic keep up with a large backlog. */
const BATCH_PAUSE_MS = 200;
/** Per statement kind and run: a first run over years of rows spreads over several intervals (1 M rows a run). */
const MAX_BATCHES_PER_RUN = 200;
const DAY_MS = 86_400_000;
const FIRST_RUN_MS = 60_000;

export interface PurgeCounts {
  analyticsEvents: number;
  transcriptMessages: number;
  transcriptEvents: number;
  transcriptHandoffs: number;
  conversations: number;
}

/**
 * Retention: ANALYTICS_RETENTION_DAYS deletes analytics events older than N days; TRANSCRIPT_RETENTION_DAYS deletes
 * conversations whose last message is older than N days, with their messages, analytics events and hand-offs. 0
 * keeps rows forever. Runs every RETENTION_PURGE_INTERVAL_MS on instances whose role runs background work (APP_ROLE
 * worker or all), one instance at a time (a Postgres advisory lock); the others skip the run.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly repository: RetentionRepository,
    private readonly config: AppConfig,
    private readonly role: AppRole,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('RETENTION_PURGE_INTERVAL_MS');
    const anything =
      this.config.get('ANALYTICS_RETENTION_DAYS') > 0 || this.config.get('TRANSCRIPT_RETENTION_DAYS') > 0;
    // The first run soon after start: with deploys more frequent than the interval, it would otherwise never come.
    if (this.role.runsLoop('analytics and transcript retention purge', every > 0 && anything))
      this.schedule(every, Math.min(every, FIRST_RUN_MS));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One purge run. Returns the rows deleted, or null when another instance holds the purge lock. Public so tests
   * and scripts can purge deterministically.
   */
  async purgeOnce(now = new Date()): Promise<PurgeCounts | null> {
    const analyticsDays = this.config.get('ANALYTICS_RETENTION_DAYS');
    const transcriptDays = this.config.get('TRANSCRIPT_RETENTION_DAYS');
    const started = performance.now();
    const counts = await this.repository.withPurgeLock(async (batch) => {
      const done: PurgeCounts = {
        analyticsEvents: 0,
        transcriptMessages: 0,
        transcriptEvents: 0,
        transcriptHandoffs: 0,
        conversations: 0,
      };
      if (transcriptDays > 0) {
        const cutoff = new Date(now.getTime() - transcriptDays * DAY_MS);
        done.transcriptMessages = await this.drain(batch, 'transcriptMessages', cutoff);
        done.transcriptEvents = await this.drain(batch, 'transcriptEvents', cutoff);
        done.transcriptHandoffs = await this.drain(batch, 'transcriptHandoffs', cutoff);
        done.conversations = await this.drain(batch, 'conversations', cutoff);
      }
      if (analyticsDays > 0) {
        done.analyticsEvents = await this.drain(batch, 'events', new Date(now.getTime() - analyticsDays * DAY_MS));
      }
      return done;
    });
    const ms = Math.round(performance.now() - started);
    if (counts) this.logger.log({ event: 'retention_purge', ...counts, analyticsDays, transcriptDays, ms });
    else this.logger.log({ event: 'retention_purge_skipped', reason: 'another instance holds the purge lock' });
    return counts;
  }

  private async drain(batch: PurgeBatch, statement: PurgeStatement, cutoff: Date): Promise<number> {
    let total = 0;
    for (let n = 0; n < MAX_BATCHES_PER_RUN && !this.stopped; n++) {
      const deleted = await batch(statement, cutoff, BATCH_ROWS);
      total += deleted;
      if (deleted < BATCH_ROWS) break;
      await sleep(BATCH_PAUSE_MS);
    }
    return total;
  }

  private schedule(every: number, delay = every): void {
    this.timer = setTimeout(() => {
      this.running = this.purgeOnce()
        .then(() => undefined)
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'retention purge failed; will retry'))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(every);
        });
    }, delay);
    this.timer.unref();
  }
}
