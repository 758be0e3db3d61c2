import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';

import { CryptoErrorCode } from 'src/common/crypto/crypto.errors';
import { withDeadline } from 'src/common/deadline/deadline';
import { AppError } from 'src/common/errors/app-error';
import { Metrics, NO_METRICS } from 'src/common/metrics/metrics.port';
import { AppConfig } from 'src/config/app-config.service';
import { CrmCallError, CrmErrors } from 'src/crm/crm.errors';
import type { CrmOutboxItemEntity, OutboxStatus } from 'src/crm/entities/crm-outbox-item.entity';
import { CrmOutboxRepository, NewOutboxItem } from 'src/crm/outbox/crm-outbox.repository';
import { CrmWriteExecutor, DependencyPendingError } from 'src/crm/outbox/crm-write.executor';
import { TenantService } from 'src/tenant/tenant.service';

const MAX_DELAY_MS = 60 * 60 * 1000;

export type OutboxOutcome =
  | { status: 'done'; itemId: string; result: Record<string, unknown> }
  | { status: 'queued'; itemId: string }
  | { status: 'failed'; itemId: string; error: string };

/**
 * Every CRM write is an outbox row first, so nothing is lost when the CRM is slow or down. The request path tries
 * once and waits at most `waitMs`; whatever is not done by then is finished by this attempt in the background or,
 * on a retryable failure, by CrmOutboxWorker with exponential backoff and jitter until the budget runs out.
 */
@Injectable()
export class CrmOutboxService implements OnModuleDestroy {
  private readonly logger = new Logger('CrmOutbox');
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly outbox: CrmOutboxRepository,
    private readonly executor: CrmWriteExecutor,
    private readonly config: AppConfig,
    private readonly tenants: TenantService,
    @Optional() private readonly metrics: Metrics = NO_METRICS,
  ) {
    metrics.readOutboxDepth(() => this.outbox.countOpenAcrossTenants());
  }

  /** Long enough that a lease never expires while an attempt (up to three CRM calls) is still running. */
  get leaseMs(): number {
    return this.config.get('CRM_HTTP_TIMEOUT_MS') * 4 + 5000;
  }

  async submit(businessId: string, item: NewOutboxItem, waitMs: number): Promise<OutboxOutcome> {
    const created = await this.outbox.insertLeased(businessId, item, this.leaseMs);
    if (!created) return this.outcomeOf((await this.outbox.findByKey(businessId, item.idempotencyKey))!);
    const attempt = this.track(this.attempt(created));
    const finished = await withDeadline(attempt, waitMs, () => null);
    return finished ?? { status: 'queued', itemId: created.id };
  }

  /** Runs one attempt of a leased item and records its outcome; never throws. */
  async attempt(item: CrmOutboxItemEntity): Promise<OutboxOutcome> {
    try {
      const result = await this.executor.perform(item);
      await this.outbox.markDone(item.businessId, item.id, item.attempts + 1, result);
      return { status: 'done', itemId: item.id, result };
    } catch (err) {
      return this.recordFailure(item, err).catch((dbErr: Error) => {
        // The lease expires and the worker tries again; the item is not lost.
        this.logger.error(
          { businessId: item.businessId, itemId: item.id, err: dbErr.message },
          'could not record CRM outcome',
        );
        return { status: 'queued', itemId: item.id } as const;
      });
    }
  }

  async list(businessId: string, limit: number, status?: OutboxStatus): Promise<CrmOutboxItemEntity[]> {
    await this.tenants.getCached(businessId);
    return this.outbox.list(businessId, limit, status);
  }

  async retry(businessId: string, itemId: string): Promise<CrmOutboxItemEntity> {
    await this.tenants.getCached(businessId);
    const item = await this.outbox.findById(businessId, itemId);
    if (!item) throw CrmErrors.outboxItemNotFound(itemId);
    if (item.status === 'done') throw CrmErrors.outboxItemDone(itemId);
    await this.outbox.requeue(businessId, itemId);
    return (await this.outbox.findById(businessId, itemId))!;
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async recordFailure(item: CrmOutboxItemEntity, err: unknown): Promise<OutboxOutcome> {
    const { businessId, id } = item;
    if (err instanceof DependencyPendingError) {
      await this.outbox.markRetry(businessId, id, item.attempts, this.nextAt(1), err.message);
      return { status: 'queued', itemId: id };
    }
    if (err instanceof AppError && err.code === CryptoErrorCode.UNKNOWN_KEY) {
      // This instance lacks the key the credentials were written with (a rollout in progress): leave the item,
      // budget untouched, to an instance that has it instead of failing the lead.
      this.logger.error(
        { businessId, itemId: id, error: err.message },
        'cannot decrypt CRM credentials on this instance',
      );
      await this.outbox.markRetry(businessId, id, item.attempts, this.nextAt(1), err.message);
      return { status: 'queued', itemId: id };
    }
    const attempts = item.attempts + 1;
    const message = describe(err);
    const retryable = err instanceof CrmCallError ? err.retryable : !(err instanceof AppError);
    const budget = this.config.get('CRM_OUTBOX_MAX_ATTEMPTS');
    // The CRM's own wording can echo the visitor's details: it goes to the admin-only outbox row, not to the logs.
    const code = err instanceof AppError ? err.code : 'UNEXPECTED';
    const httpStatus = err instanceof CrmCallError ? err.httpStatus : undefined;
    this.logger.warn(
      { businessId, itemId: id, operation: item.operation, attempts, retryable, code, httpStatus },
      'CRM write failed',
    );
    const final = !retryable || attempts >= budget;
    this.metrics.crmDeliveryFailure(item.operation, final);
    if (final) {
      await this.outbox.markFailed(businessId, id, attempts, message);
      return { status: 'failed', itemId: id, error: message };
    }
    const retryAfter = err instanceof CrmCallError ? err.retryAfterMs : undefined;
    await this.outbox.markRetry(businessId, id, attempts, this.nextAt(attempts, retryAfter), message);
    return { status: 'queued', itemId: id };
  }

  /** Exponential backoff with equal jitter; a CRM's Retry-After is a floor, never shortened. */
  private nextAt(attempts: number, retryAfterMs = 0): Date {
    const base = Math.min(MAX_DELAY_MS, this.config.get('CRM_OUTBOX_BASE_DELAY_MS') * 2 ** (attempts - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    return new Date(Date.now() + Math.max(delay, retryAfterMs));
  }

  private outcomeOf(item: CrmOutboxItemEntity): OutboxOutcome {
    if (item.status === 'done') return { status: 'done', itemId: item.id, result: item.result ?? {} };
    if (item.status === 'failed') return { status: 'failed', itemId: item.id, error: item.lastError ?? 'failed' };
    return { status: 'queued', itemId: item.id };
  }
}

function describe(err: unknown): string {
  const text =
    err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return text.slice(0, 500);
}
