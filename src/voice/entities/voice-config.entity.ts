import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'voice_configs' })
export class VoiceConfigEntity {
  @PrimaryColumn({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ type: 'boolean', default: false })
  enabled: boolean;

  /** SecretCipher blob bound to the tenant; never returned by the API. */
  @Column({ name: 'twilio_auth_token_enc', type: 'text' })
  twilioAuthTokenEnc: string;

  @Column({ name: 'voice_name', type: 'varchar', length: 64, nullable: true })
  voiceName: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  language: string | null;

  @Column({ type: 'text', nullable: true })
  greeting: string | null;

  @Column({ name: 'max_call_seconds', type: 'integer', nullable: true })
  maxCallSeconds: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
