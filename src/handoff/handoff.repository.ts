import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { HandoffEntity } from 'src/handoff/handoff.entity';

@Injectable()
export class HandoffRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(HandoffEntity);
  }

  /** Opens a hand-off; null when the session already has an open one (the partial unique index decides). */
  async open(
    businessId: string,
    sessionId: string,
    channel: 'chat' | 'voice',
    reason: string,
  ): Promise<HandoffEntity | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO handoffs (business_id, session_id, channel, reason, status)
       VALUES ($1, $2, $3, $4, 'open')
       ON CONFLICT (business_id, session_id) WHERE status = 'open' DO NOTHING
       RETURNING id`,
      [businessId, sessionId, channel, reason.slice(0, 200)],
    );
    return rows.length ? this.repo.findOneBy({ businessId, id: rows[0].id }) : null;
  }

  async isOpen(businessId: string, sessionId: string): Promise<boolean> {
    return this.repo.exists({ where: { businessId, sessionId, status: 'open' } });
  }

  listOpen(businessId: string, limit: number): Promise<HandoffEntity[]> {
    return this.repo.find({ where: { businessId, status: 'open' }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** True when an open hand-off was released. */
  async release(businessId: string, sessionId: string): Promise<boolean> {
    const result = await this.repo.update(
      { businessId, sessionId, status: 'open' },
      { status: 'released', releasedAt: () => 'now()' },
    );
    return (result.affected ?? 0) > 0;
  }
}
