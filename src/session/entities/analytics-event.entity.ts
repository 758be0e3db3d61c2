import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { Channel } from 'src/conversation/session-state';

export const ANALYTICS_EVENT_TYPES = [
  'user_message',
  'assistant_message',
  'cta_clicked',
  'lead_captured',
  'experiment_exposure',
] as const;
export type AnalyticsEventType = (typeof ANALYTICS_EVENT_TYPES)[number];

@Entity({ name: 'analytics_events' })
export class AnalyticsEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId: string;

  @Column({ type: 'varchar', length: 8 })
  channel: Channel;

  @Column({ type: 'varchar', length: 32 })
  type: AnalyticsEventType;

  /** Counts, ids and field names only; message bodies live in `messages`. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
