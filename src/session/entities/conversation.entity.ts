import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { Channel } from 'src/conversation/session-state';

@Entity({ name: 'conversations' })
export class ConversationEntity {
  /** bigint: the pg driver returns it as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId: string;

  @Column({ type: 'varchar', length: 8 })
  channel: Channel;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'last_message_at', type: 'timestamptz' })
  lastMessageAt: Date;

  @Column({ name: 'message_count', type: 'integer' })
  messageCount: number;
}
