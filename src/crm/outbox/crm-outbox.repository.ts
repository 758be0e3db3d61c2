import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { CrmOutboxItemEntity, OutboxOperation, OutboxStatus } from 'src/crm/entities/crm-outbox-item.entity';

export interface NewOutboxItem {
  idempotencyKey: string;
  sessionId: string | null;
  operation: OutboxOperation;
  payload: Record<string, unknown>;
}

@Injectable()
export class CrmOutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CrmOutboxItemEntity);
  }

  /**
   * Inserts the item already leased to the caller (status processing) so the worker leaves it alone while the
   * request path tries it once. Returns null when the idempotency key exists: the caller reads that item instead.
   */
  async insertLeased(businessId: string, item: NewOutboxItem, leaseMs: number): Promise<CrmOutboxItemEntity | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO crm_outbox (business_id, idempotency_key, session_id, operation, payload, status, attempts, locked_until)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'processing', 0, now() + make_interval(secs => $6))
       ON CONFLICT (business_id, idempotency_key) DO NOTHING
       RETURNING id`,
      [
        businessId,
        item.idempotencyKey,
        item.sessionId,
        item.operation,
        JSON.stringify(item.payload),
        Math.ceil(leaseMs / 1000),
      ],
    );
    return rows.length ? this.findById(businessId, rows[0].id) : null;
  }

  findById(businessId: string, id: string): Promise<CrmOutboxItemEntity | null> {
    return this.repo().findOne({ where: { businessId, id } });
  }

  findByKey(businessId: string, idempotencyKey: string): Promise<CrmOutboxItemEntity | null> {
    return this.repo().findOne({ where: { businessId, idempotencyKey } });
  }

  /** The session's most recent contact write: a deal queued before its contact exists waits on it. */
  findLatestForSession(
    businessId: string,
    sessionId: string,
    operation: OutboxOperation,
  ): Promise<CrmOutboxItemEntity | null> {
    return this.repo().findOne({ where: { businessId, sessionId, operation }, order: { createdAt: 'DESC' } });
  }

  list(businessId: string, limit: number, status?: OutboxStatus): Promise<CrmOutboxItemEntity[]> {
    return this.repo().find({
      where: status ? { businessId, status } : { businessId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  /**
   * Crosses tenants by design (the worker). Claims due items and expired leases with FOR UPDATE SKIP LOCKED, so
   * several instances can poll at once without taking the same item, and leases them before committing.
   */
  claimDueAcrossTenants(limit: number, leaseMs: number): Promise<CrmOutboxItemEntity[]> {
    return this.dataSource.transaction(async (em) => {
      const ids: { id: string }[] = await em.query(
        `SELECT id FROM crm_outbox
         WHERE (status = 'pending' AND next_attempt_at <= now())
            OR (status = 'processing' AND locked_until < now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (!ids.length) return [];
      await em.query(
        `UPDATE crm_outbox SET status = 'processing', locked_until = now() + make_interval(secs => $2), updated_at = now()
         WHERE id = ANY($1::uuid[])`,
        [ids.map((r) => r.id), Math.ceil(leaseMs / 1000)],
      );
      return this.repo(em).find({ where: ids.map((r) => ({ id: r.id })) });
    });
  }

  async markDone(businessId: string, id: string, attempts: number, result: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(
      `UPDATE crm_outbox SET status = 'done', attempts = $3, result = $4::jsonb, locked_until = NULL, last_error = NULL, updated_at = now()
       WHERE business_id = $1 AND id = $2`,
      [businessId, id, attempts, JSON.stringify(result)],
    );
  }

  /** Keeps what an unverified visitor gave that differs from the matched contact with the write, for review. */
  async recordDifferingValues(
    businessId: string,
    id: string,
    differing: Record<string, string | undefined>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE crm_outbox SET payload = payload || jsonb_build_object('differingValues', $3::jsonb), updated_at = now()
       WHERE business_id = $1 AND id = $2`,
      [businessId, id, JSON.stringify(differing)],
    );
  }

  async markRetry(
    businessId: string,
    id: string,
    attempts: number,
    nextAttemptAt: Date,
    lastError: string,
  ): Promise<void> {
    await this.repo().update(
      { businessId, id },
      { status: 'pending', attempts, nextAttemptAt, lockedUntil: null, lastError },
    );
  }

  async markFailed(businessId: string, id: string, attempts: number, lastError: string): Promise<void> {
    await this.repo().update({ businessId, id }, { status: 'failed', attempts, lockedUntil: null, lastError });
  }

  /** Crosses tenants by design (retention): delivered items keep visitor details only as long as needed. */
  async purgeDoneOlderThanAcrossTenants(days: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM crm_outbox WHERE status = 'done' AND updated_at < now() - make_interval(days => $1)`,
      [days],
    );
    return affected;
  }

  /**
   * Crosses tenants by design (the metrics' outbox depth): items not yet delivered, by status. Counted through the
   * partial index on open items (crm_outbox_due_idx), so the cost follows the backlog, not the table.
   */
  async countOpenAcrossTenants(): Promise<Record<string, number>> {
    const rows: { status: string; count: string }[] = await this.dataSource.query(
      `SELECT status, count(*) AS count FROM crm_outbox WHERE status IN ('pending', 'processing') GROUP BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }

  /** Manual retry: a fresh budget, due now. Only failed or pending items; false when nothing changed. */
  async requeue(businessId: string, id: string): Promise<boolean> {
    const result = await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: 'pending', attempts: 0, nextAttemptAt: () => 'now()', lockedUntil: null })
      .where("business_id = :businessId AND id = :id AND status IN ('failed', 'pending')", { businessId, id })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
