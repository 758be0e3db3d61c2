import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type MessageRole = 'user' | 'assistant' | 'tool';

@Entity({ name: 'messages' })
export class MessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ name: 'conversation_id', type: 'bigint' })
  conversationId: string;

  @Column({ type: 'varchar', length: 16 })
  role: MessageRole;

  @Column({ type: 'text' })
  content: string;

  @Column({ name: 'tool_name', type: 'varchar', length: 64, nullable: true })
  toolName: string | null;

  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  /** User rows: the intent and sentiment the message was read with; null on other rows and older ones. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  intent: string | null;

  @Column({ name: 'intent_confidence', type: 'real', nullable: true })
  intentConfidence: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  sentiment: string | null;

  @Column({ name: 'sentiment_score', type: 'real', nullable: true })
  sentimentScore: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
