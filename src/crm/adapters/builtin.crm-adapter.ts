import { randomUUID } from 'node:crypto';

import { differingNote, hasFields, HeldFields, mergeUnverified } from 'src/crm/contact-merge';
import {
  ConnectionTestResult,
  ContactFields,
  ContactQuery,
  ContactWrite,
  CrmAdapter,
  CrmPipeline,
  CrmRecordRef,
  DealInput,
} from 'src/crm/crm-adapter.port';
import type { CrmRecordsRepository } from 'src/crm/crm-records.repository';
import type { CrmContactEntity } from 'src/crm/entities/crm-contact.entity';
import { FieldMapper } from 'src/crm/field-mapper';

export const BUILTIN_STAGES = ['new', 'qualified', 'proposal', 'won', 'lost'] as const;

/** The platform's own CRM: rows in crm_contacts/crm_deals with crm_type 'builtin', always scoped to one tenant. */
export class BuiltinCrmAdapter extends CrmAdapter {
  readonly type = 'builtin' as const;

  constructor(
    private readonly businessId: string,
    private readonly records: CrmRecordsRepository,
    private readonly mapper: FieldMapper,
    private readonly defaultStage: string,
  ) {
    super();
  }

  async searchContact(query: ContactQuery): Promise<CrmRecordRef | null> {
    const hit =
      (query.email ? await this.records.findContactByEmail(this.businessId, this.type, query.email) : null) ??
      (query.phone ? await this.records.findContactByPhone(this.businessId, this.type, query.phone) : null);
    return hit ? { id: hit.externalId } : null;
  }

  async createContact(fields: ContactFields): Promise<ContactWrite> {
    const id = randomUUID();
    await this.records.upsertContact(this.businessId, this.type, id, this.columns(fields));
    return { id, action: 'created', written: fields, differing: {} };
  }

  async mergeContact(id: string, fields: ContactFields): Promise<ContactWrite> {
    const existing = await this.records.findContact(this.businessId, this.type, id);
    // Another tenant's id (or a deleted contact) is never written to: the visitor gets a contact of their own.
    if (!existing) return this.createContact(fields);
    this.mapper.toCrm(fields); // validates every value before anything is written
    const { fill, differing } = mergeUnverified(this.current(existing), fields);
    if (hasFields(fill))
      await this.records.upsertContact(this.businessId, this.type, id, this.columns(fill), { fillOnly: true });
    if (hasFields(differing)) {
      await this.records.addContactNote(this.businessId, this.type, id, {
        sessionId: fields.sessionId,
        body: differingNote(differing, fields),
        values: differing as Record<string, string>,
      });
    }
    return { id, action: 'merged', written: fill, differing };
  }

  async createDeal(input: DealInput): Promise<CrmRecordRef> {
    const id = randomUUID();
    await this.records.upsertDeal(this.businessId, this.type, id, {
      contactExternalId: input.contactId,
      sessionId: input.fields.sessionId ?? null,
      name: input.name,
      stage: input.stage ?? this.defaultStage,
      pipeline: 'default',
      amount: input.amount === undefined ? null : input.amount.toFixed(2),
      fields: this.mapper.toCrm(input.fields),
    });
    return { id };
  }

  override async findDeal(query: { contactId: string; name: string }): Promise<CrmRecordRef | null> {
    const hit = await this.records.findDealByName(this.businessId, this.type, query.contactId, query.name);
    return hit ? { id: hit.externalId } : null;
  }

  listPipelines(): Promise<CrmPipeline[]> {
    return Promise.resolve([
      {
        id: 'default',
        label: 'Default pipeline',
        stages: BUILTIN_STAGES.map((s) => ({ id: s, label: s[0].toUpperCase() + s.slice(1) })),
      },
    ]);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const count = await this.records.countContacts(this.businessId, this.type);
    return { ok: true, message: `The built-in CRM is ready and holds ${count} contact(s) for this business.` };
  }

  private current(row: CrmContactEntity): HeldFields {
    const extra = (field: 'message' | 'source') => {
      const name = this.mapper.nameOf(field);
      const value = name ? row.fields[name] : undefined;
      return typeof value === 'string' ? value : null;
    };
    return {
      firstName: row.firstName,
      lastName: row.lastName,
      email: row.email,
      phone: row.phone,
      company: row.company,
      sessionId: row.sessionId,
      message: extra('message'),
      source: extra('source'),
    };
  }

  private columns(fields: ContactFields) {
    this.mapper.toCrm(fields); // validates every value before anything is written
    return {
      sessionId: fields.sessionId,
      firstName: fields.firstName,
      lastName: fields.lastName,
      email: fields.email,
      phone: fields.phone,
      company: fields.company,
      fields: this.mapper.toCrm({ message: fields.message, source: fields.source }),
    };
  }
}
