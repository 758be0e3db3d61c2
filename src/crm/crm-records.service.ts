import { Injectable } from '@nestjs/common';
import { CrmRecordsRepository } from 'src/crm/crm-records.repository';
import type { CrmContactEntity } from 'src/crm/entities/crm-contact.entity';
import type { CrmDealEntity } from 'src/crm/entities/crm-deal.entity';
import { TenantService } from 'src/tenant/tenant.service';

/** Admin listings of a tenant's contacts and deals (builtin CRM rows and mirrors of remote ones). */
@Injectable()
export class CrmRecordsService {
  constructor(
    private readonly records: CrmRecordsRepository,
    private readonly tenants: TenantService,
  ) {}

  async contacts(businessId: string, limit: number, before?: Date): Promise<CrmContactEntity[]> {
    await this.tenants.getCached(businessId);
    return this.records.listContacts(businessId, limit, before);
  }

  async deals(businessId: string, limit: number, before?: Date): Promise<CrmDealEntity[]> {
    await this.tenants.getCached(businessId);
    return this.records.listDeals(businessId, limit, before);
  }
}
