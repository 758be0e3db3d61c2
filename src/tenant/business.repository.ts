import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, MoreThan } from 'typeorm';

import { BusinessEntity } from 'src/tenant/entities/business.entity';

@Injectable()
export class BusinessRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(BusinessEntity);
  }

  findById(businessId: string, em?: EntityManager): Promise<BusinessEntity | null> {
    return this.repo(em).findOne({ where: { businessId } });
  }

  /** Row lock so two concurrent partial updates of one tenant cannot lose each other's fields. */
  findByIdForUpdate(businessId: string, em: EntityManager): Promise<BusinessEntity | null> {
    return this.repo(em).findOne({ where: { businessId }, lock: { mode: 'pessimistic_write' } });
  }

  save(entity: BusinessEntity, em?: EntityManager): Promise<BusinessEntity> {
    return this.repo(em).save(entity);
  }

  create(fields: Partial<BusinessEntity>, em?: EntityManager): BusinessEntity {
    return this.repo(em).create(fields);
  }

  async delete(businessId: string, em: EntityManager): Promise<boolean> {
    const result = await this.repo(em).delete({ businessId });
    return (result.affected ?? 0) > 0;
  }

  /** Crosses tenants by design: the admin listing. Keyset paging by id keeps large counts cheap. */
  listAllForAdmin(limit: number, cursor?: string): Promise<BusinessEntity[]> {
    return this.repo().find({
      where: cursor ? { businessId: MoreThan(cursor) } : {},
      order: { businessId: 'ASC' },
      take: limit,
    });
  }

  /** Crosses tenants by design: CORS preflights carry no tenant, so the HTTP layer needs the union. */
  async listAllowedOriginsForCors(): Promise<string[]> {
    const rows: { origin: string }[] = await this.dataSource.query(
      'SELECT DISTINCT jsonb_array_elements_text(allowed_origins) AS origin FROM businesses',
    );
    return rows.map((r) => r.origin);
  }

  countAllForAdmin(): Promise<number> {
    return this.repo().count();
  }
}
