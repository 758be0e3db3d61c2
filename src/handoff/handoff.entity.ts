import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type HandoffStatus = 'open' | 'released';

/** One hand-off of a session to a person: open until an admin gives the session back to the assistant. */
@Entity({ name: 'handoffs' })
export class HandoffEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId: string;

  @Column({ type: 'varchar', length: 8 })
  channel: 'chat' | 'voice';

  @Column({ type: 'varchar', length: 200 })
  reason: string;

  @Column({ type: 'varchar', length: 16 })
  status: HandoffStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt: Date | null;
}
