import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'voice_numbers' })
export class VoiceNumberEntity {
  /** E.164; the primary key, so a number routes to one tenant at most. */
  @PrimaryColumn({ name: 'phone_number', type: 'varchar', length: 16 })
  phoneNumber: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
