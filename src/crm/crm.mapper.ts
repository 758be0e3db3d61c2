import type { CrmContactDto, CrmContactNoteDto, CrmDealDto, CrmOutboxItemDto } from 'src/crm/dto/crm-records.dto';
import type { CrmContactEntity } from 'src/crm/entities/crm-contact.entity';
import type { CrmContactNoteEntity } from 'src/crm/entities/crm-contact-note.entity';
import type { CrmDealEntity } from 'src/crm/entities/crm-deal.entity';
import type { CrmOutboxItemEntity } from 'src/crm/entities/crm-outbox-item.entity';

export const toContactDto = (c: CrmContactEntity): CrmContactDto => ({
  id: c.id,
  crmType: c.crmType,
  externalId: c.externalId,
  sessionId: c.sessionId,
  firstName: c.firstName,
  lastName: c.lastName,
  email: c.email,
  phone: c.phone,
  company: c.company,
  fields: c.fields,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export const toContactNoteDto = (n: CrmContactNoteEntity): CrmContactNoteDto => ({
  id: n.id,
  sessionId: n.sessionId,
  body: n.body,
  values: n.values,
  createdAt: n.createdAt,
});

export const toDealDto = (d: CrmDealEntity): CrmDealDto => ({
  id: d.id,
  crmType: d.crmType,
  externalId: d.externalId,
  contactExternalId: d.contactExternalId,
  sessionId: d.sessionId,
  name: d.name,
  stage: d.stage,
  pipeline: d.pipeline,
  amount: d.amount,
  fields: d.fields,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/** The payload (visitor details) stays out of the listing; the result holds only CRM ids. */
export const toOutboxItemDto = (i: CrmOutboxItemEntity): CrmOutboxItemDto => ({
  id: i.id,
  idempotencyKey: i.idempotencyKey,
  sessionId: i.sessionId,
  operation: i.operation,
  status: i.status,
  attempts: i.attempts,
  nextAttemptAt: i.nextAttemptAt,
  lastError: i.lastError,
  result: i.result,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});
