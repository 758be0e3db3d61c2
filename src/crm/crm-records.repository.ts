import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan } from 'typeorm';

import { CrmContactEntity } from 'src/crm/entities/crm-contact.entity';
import { CrmContactNoteEntity } from 'src/crm/entities/crm-contact-note.entity';
import { CrmDealEntity } from 'src/crm/entities/crm-deal.entity';

export interface ContactColumns {
  sessionId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  fields?: Record<string, unknown>;
}

export interface ContactNote {
  sessionId?: string | null;
  body: string;
  values: Record<string, string>;
}

export interface DealColumns {
  contactExternalId?: string | null;
  sessionId?: string | null;
  name: string;
  stage?: string | null;
  pipeline?: string | null;
  amount?: string | null;
  fields?: Record<string, unknown>;
}

/** Contacts and deals per tenant and CRM type: the builtin CRM's storage and the mirror of remote CRMs. */
@Injectable()
export class CrmRecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private contacts(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CrmContactEntity);
  }

  private notes(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CrmContactNoteEntity);
  }

  private deals(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CrmDealEntity);
  }

  findContactByEmail(businessId: string, crmType: string, email: string): Promise<CrmContactEntity | null> {
    return this.contacts()
      .createQueryBuilder('c')
      .where('c.business_id = :businessId AND c.crm_type = :crmType AND lower(c.email) = lower(:email)', {
        businessId,
        crmType,
        email,
      })
      .orderBy('c.created_at', 'ASC')
      .getOne();
  }

  findContactByPhone(businessId: string, crmType: string, phone: string): Promise<CrmContactEntity | null> {
    return this.contacts().findOne({ where: { businessId, crmType, phone }, order: { createdAt: 'ASC' } });
  }

  findContact(businessId: string, crmType: string, externalId: string): Promise<CrmContactEntity | null> {
    return this.contacts().findOne({ where: { businessId, crmType, externalId } });
  }

  /**
   * Inserts, or merges into the row with the same external id. Given columns win, unless `fillOnly`: then only the
   * row's empty columns and missing field keys take the given values (an unverified visitor never overwrites).
   */
  async upsertContact(
    businessId: string,
    crmType: string,
    externalId: string,
    columns: ContactColumns,
    { fillOnly = false }: { fillOnly?: boolean } = {},
  ): Promise<void> {
    const merge = (column: string) =>
      fillOnly
        ? `COALESCE(crm_contacts.${column}, EXCLUDED.${column})`
        : `COALESCE(EXCLUDED.${column}, crm_contacts.${column})`;
    await this.dataSource.query(
      `INSERT INTO crm_contacts (business_id, crm_type, external_id, session_id, first_name, last_name, email, phone, company, fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (business_id, crm_type, external_id) DO UPDATE SET
         session_id = ${merge('session_id')},
         first_name = ${merge('first_name')},
         last_name = ${merge('last_name')},
         email = ${merge('email')},
         phone = ${merge('phone')},
         company = ${merge('company')},
         fields = ${fillOnly ? 'EXCLUDED.fields || crm_contacts.fields' : 'crm_contacts.fields || EXCLUDED.fields'},
         updated_at = now()`,
      [
        businessId,
        crmType,
        externalId,
        columns.sessionId ?? null,
        columns.firstName ?? null,
        columns.lastName ?? null,
        columns.email ?? null,
        columns.phone ?? null,
        columns.company ?? null,
        JSON.stringify(columns.fields ?? {}),
      ],
    );
  }

  async addContactNote(
    businessId: string,
    crmType: string,
    contactExternalId: string,
    note: ContactNote,
  ): Promise<void> {
    await this.notes().insert({
      businessId,
      crmType,
      contactExternalId,
      sessionId: note.sessionId ?? null,
      body: note.body,
      values: note.values,
    });
  }

  /** Notes of one contact row (by its local id), oldest first; null when the tenant has no such contact. */
  async listNotesOfContact(businessId: string, contactId: string): Promise<CrmContactNoteEntity[] | null> {
    const contact = await this.contacts().findOne({ where: { businessId, id: contactId } });
    if (!contact) return null;
    return this.notes().find({
      where: { businessId, crmType: contact.crmType, contactExternalId: contact.externalId },
      order: { createdAt: 'ASC' },
      take: 200,
    });
  }

  async upsertDeal(businessId: string, crmType: string, externalId: string, columns: DealColumns): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO crm_deals (business_id, crm_type, external_id, contact_external_id, session_id, name, stage, pipeline, amount, fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (business_id, crm_type, external_id) DO UPDATE SET
         contact_external_id = COALESCE(EXCLUDED.contact_external_id, crm_deals.contact_external_id),
         name = EXCLUDED.name,
         stage = COALESCE(EXCLUDED.stage, crm_deals.stage),
         pipeline = COALESCE(EXCLUDED.pipeline, crm_deals.pipeline),
         amount = COALESCE(EXCLUDED.amount, crm_deals.amount),
         fields = crm_deals.fields || EXCLUDED.fields,
         updated_at = now()`,
      [
        businessId,
        crmType,
        externalId,
        columns.contactExternalId ?? null,
        columns.sessionId ?? null,
        columns.name,
        columns.stage ?? null,
        columns.pipeline ?? null,
        columns.amount ?? null,
        JSON.stringify(columns.fields ?? {}),
      ],
    );
  }

  /** Applies a change reported by the CRM itself; false when the record is not known here. */
  async patchDeal(
    businessId: string,
    crmType: string,
    externalId: string,
    patch: { stage?: string; fields?: Record<string, unknown> },
  ): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE crm_deals SET stage = COALESCE($4, stage), fields = fields || $5::jsonb, updated_at = now()
       WHERE business_id = $1 AND crm_type = $2 AND external_id = $3`,
      [businessId, crmType, externalId, patch.stage ?? null, JSON.stringify(patch.fields ?? {})],
    );
    return result[1] > 0;
  }

  async patchContact(
    businessId: string,
    crmType: string,
    externalId: string,
    fields: Record<string, unknown>,
  ): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE crm_contacts SET fields = fields || $4::jsonb, updated_at = now()
       WHERE business_id = $1 AND crm_type = $2 AND external_id = $3`,
      [businessId, crmType, externalId, JSON.stringify(fields)],
    );
    return result[1] > 0;
  }

  findDealByName(
    businessId: string,
    crmType: string,
    contactExternalId: string,
    name: string,
  ): Promise<CrmDealEntity | null> {
    return this.deals().findOne({
      where: { businessId, crmType, contactExternalId, name },
      order: { createdAt: 'ASC' },
    });
  }

  listContacts(businessId: string, limit: number, before?: Date): Promise<CrmContactEntity[]> {
    return this.contacts().find({
      where: before ? { businessId, createdAt: LessThan(before) } : { businessId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  listDeals(businessId: string, limit: number, before?: Date): Promise<CrmDealEntity[]> {
    return this.deals().find({
      where: before ? { businessId, createdAt: LessThan(before) } : { businessId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  countContacts(businessId: string, crmType?: string): Promise<number> {
    return this.contacts().count({ where: crmType ? { businessId, crmType } : { businessId } });
  }

  countDeals(businessId: string, crmType?: string): Promise<number> {
    return this.deals().count({ where: crmType ? { businessId, crmType } : { businessId } });
  }
}
