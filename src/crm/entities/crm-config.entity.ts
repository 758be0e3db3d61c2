import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

import type { CrmType } from 'src/crm/crm-adapter.port';
import type { CrmOptions, FieldMapping } from 'src/crm/crm-config.types';

@Entity({ name: 'crm_configs' })
export class CrmConfigEntity {
  @PrimaryColumn({ name: 'business_id', type: 'varchar', length: 64 })
  businessId: string;

  @Column({ type: 'varchar', length: 32 })
  type: CrmType;

  /** SecretCipher blob of the JSON credentials, bound to business_id. */
  @Column({ name: 'credentials_encrypted', type: 'text', nullable: true })
  credentialsEncrypted: string | null;

  @Column({ name: 'field_mapping', type: 'jsonb', default: {} })
  fieldMapping: FieldMapping;

  @Column({ type: 'jsonb', default: {} })
  options: CrmOptions;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
