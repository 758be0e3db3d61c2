import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, LessThan, QueryFailedError } from 'typeorm';

import { AdminAuditEntryEntity } from 'src/access/entities/admin-audit-entry.entity';

export type NewAuditEntry = Omit<AdminAuditEntryEntity, 'id' | 'businessId' | 'createdAt'>;

const FOREIGN_KEY_VIOLATION = '23503';

/** Append and read only: the table refuses updates and deletes, and nothing here issues them. */
@Injectable()
export class AdminAuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo() {
    return this.dataSource.manager.getRepository(AdminAuditEntryEntity);
  }

  /**
   * The entry belongs to its target tenant when that tenant exists, else it is a platform entry (a failed create,
   * the deletion of the tenant). A tenant deleted between the check and the insert fails the foreign key: retried
   * as a platform entry.
   */
  async append(entry: NewAuditEntry): Promise<void> {
    try {
      await this.insert(entry, true);
    } catch (err) {
      if (!(err instanceof QueryFailedError && (err.driverError as { code?: string }).code === FOREIGN_KEY_VIOLATION))
        throw err;
      await this.insert(entry, false);
    }
  }

  private async insert(e: NewAuditEntry, ownedIfTenantExists: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO admin_audit_log (business_id, target_business_id, key_id, role, method, route, status, request_id)
       VALUES ((SELECT business_id FROM businesses WHERE $8 AND business_id = $1), $1, $2, $3, $4, $5, $6, $7)`,
      [e.targetBusinessId, e.keyId, e.role, e.method, e.route, e.status, e.requestId, ownedIfTenantExists],
    );
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  listForTenant(businessId: string, limit: number, before?: string): Promise<AdminAuditEntryEntity[]> {
    return this.page({ businessId }, limit, before);
  }

  /** Crosses tenants by design: the platform key's view, including entries of tenants that no longer exist. */
  listAllForAdmin(limit: number, before?: string): Promise<AdminAuditEntryEntity[]> {
    return this.page({}, limit, before);
  }

  private page(
    where: FindOptionsWhere<AdminAuditEntryEntity>,
    limit: number,
    before?: string,
  ): Promise<AdminAuditEntryEntity[]> {
    return this.repo().find({
      where: before === undefined ? where : { ...where, id: LessThan(before) },
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
