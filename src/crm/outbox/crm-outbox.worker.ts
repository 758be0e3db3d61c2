import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import { CrmOutboxRepository } from 'src/crm/outbox/crm-outbox.repository';
import { CrmOutboxService } from 'src/crm/outbox/crm-outbox.service';

const BATCH = 20;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Polls Postgres for due outbox items on every instance whose role runs background work (APP_ROLE worker or all). Claims are made with SKIP LOCKED and leased, so instances
 * share the work without duplicates and an item held by a crashed instance is retried when its lease expires.
 */
@Injectable()
export class CrmOutboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CrmOutboxWorker');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly outbox: CrmOutboxRepository,
    private readonly service: CrmOutboxService,
    private readonly config: AppConfig,
    private readonly role: AppRole,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('CRM_OUTBOX_POLL_MS');
    if (this.role.runsLoop('CRM outbox dispatcher and retention purge', every > 0)) this.schedule(every);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: claim due items and attempt them. Public so tests and scripts can drain the outbox deterministically. */
  async runOnce(): Promise<number> {
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      await this.outbox.purgeDoneOlderThanAcrossTenants(this.config.get('CRM_OUTBOX_RETENTION_DAYS'));
    }
    const items = await this.outbox.claimDueAcrossTenants(BATCH, this.service.leaseMs);
    await Promise.all(items.map((item) => this.service.track(this.service.attempt(item))));
    return items.length;
  }

  private schedule(every: number): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'outbox poll failed; will retry'))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(every);
        });
    }, every);
    this.timer.unref();
  }
}
