import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { preparedQuery } from 'src/common/sql/prepared-query';
import { HandoffEntity } from 'src/handoff/handoff.entity';

const IS_OPEN = {
  name: 'handoff_is_open',
  text: `SELECT 1 FROM handoffs WHERE business_id = $1 AND session_id = $2 AND status = 'open' LIMIT 1`,
};

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

  /** Asked on the first turn of every session (then cached): a prepared statement, not the ORM's query building. */
  async isOpen(businessId: string, sessionId: string): Promise<boolean> {
    const rows = await preparedQuery(this.dataSource, IS_OPEN, [businessId, sessionId]);
    return rows.length > 0;
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
