import { Injectable } from '@nestjs/common';

import { CrmErrors } from 'src/crm/crm.errors';
import { CrmRecordsRepository } from 'src/crm/crm-records.repository';
import type { CrmContactEntity } from 'src/crm/entities/crm-contact.entity';
import type { CrmContactNoteEntity } from 'src/crm/entities/crm-contact-note.entity';
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

  async contactNotes(businessId: string, contactId: string): Promise<CrmContactNoteEntity[]> {
    await this.tenants.getCached(businessId);
    const notes = await this.records.listNotesOfContact(businessId, contactId);
    if (!notes) throw CrmErrors.contactNotFound(contactId);
    return notes;
  }

  async deals(businessId: string, limit: number, before?: Date): Promise<CrmDealEntity[]> {
    await this.tenants.getCached(businessId);
    return this.records.listDeals(businessId, limit, before);
  }
}
