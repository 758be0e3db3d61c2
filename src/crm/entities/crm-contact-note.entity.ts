import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A note on a builtin CRM contact: what an unverified visitor gave that differs from the contact. */
@Entity({ name: 'crm_contact_notes' })
export class CrmContactNoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ name: 'crm_type', type: 'varchar', length: 32 })
  crmType: string;

  @Column({ name: 'contact_external_id', type: 'varchar', length: 255 })
  contactExternalId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128, nullable: true })
  sessionId: string | null;

  @Column({ type: 'text' })
  body: string;

  /** The differing values by platform field name, e.g. { phone: '+14155550199' }. */
  @Column({ type: 'jsonb', default: {} })
  values: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
