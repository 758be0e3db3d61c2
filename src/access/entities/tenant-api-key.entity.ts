import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { TenantKeyRole } from 'src/common/auth/admin-principal';

@Entity({ name: 'tenant_api_keys' })
export class TenantApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: TenantKeyRole;

  /** The public part of the key, after `cpk_`: how a presented key is found. */
  @Column({ name: 'lookup_id', type: 'char', length: 16 })
  lookupId: string;

  /** SHA-256 of the secret part; the key itself is shown once at creation and never stored. */
  @Column({ name: 'secret_sha256', type: 'char', length: 64 })
  secretSha256: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
