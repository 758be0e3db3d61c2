import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { CrmConfigEntity } from 'src/crm/entities/crm-config.entity';

@Injectable()
export class CrmConfigRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CrmConfigEntity);
  }

  find(businessId: string, em?: EntityManager): Promise<CrmConfigEntity | null> {
    return this.repo(em).findOne({ where: { businessId } });
  }

  async save(
    businessId: string,
    fields: Omit<CrmConfigEntity, 'businessId' | 'createdAt' | 'updatedAt'>,
    em?: EntityManager,
  ): Promise<CrmConfigEntity> {
    await (em ?? this.dataSource.manager).query(
      `INSERT INTO crm_configs (business_id, type, credentials_encrypted, field_mapping, options)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)
       ON CONFLICT (business_id) DO UPDATE SET type = EXCLUDED.type, credentials_encrypted = EXCLUDED.credentials_encrypted,
         field_mapping = EXCLUDED.field_mapping, options = EXCLUDED.options, updated_at = now()`,
      [
        businessId,
        fields.type,
        fields.credentialsEncrypted,
        JSON.stringify(fields.fieldMapping),
        JSON.stringify(fields.options),
      ],
    );
    return (await this.find(businessId, em))!;
  }

  async delete(businessId: string, em?: EntityManager): Promise<boolean> {
    const result = await this.repo(em).delete({ businessId });
    return (result.affected ?? 0) > 0;
  }
}
