import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One admin write. Append-only (a database trigger refuses updates and deletes). */
@Entity({ name: 'admin_audit_log' })
export class AdminAuditEntryEntity {
  /** bigserial: the paging cursor, newest first. Returned as a string since it may exceed 2^53. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** The tenant the entry belongs to; null when that tenant did not exist when it was written (e.g. its deletion). */
  @Column({ name: 'business_id', type: 'varchar', length: 64, nullable: true })
  businessId: string | null;

  /** The tenant the request named, kept even when no such tenant exists (any more). */
  @Column({ name: 'target_business_id', type: 'varchar', length: 64, nullable: true })
  targetBusinessId: string | null;

  /** The tenant key's id, or `platform`; never the key. */
  @Column({ name: 'key_id', type: 'varchar', length: 64 })
  keyId: string;

  @Column({ type: 'varchar', length: 16 })
  role: string;

  @Column({ type: 'varchar', length: 8 })
  method: string;

  @Column({ type: 'varchar', length: 300 })
  route: string;

  @Column({ type: 'smallint' })
  status: number;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
