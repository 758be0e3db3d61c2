import { Injectable } from '@nestjs/common';

import { hasFields } from 'src/crm/contact-merge';
import { CrmCallError } from 'src/crm/crm.errors';
import { ContactFields, CrmAdapter } from 'src/crm/crm-adapter.port';
import { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import { CrmRecordsRepository } from 'src/crm/crm-records.repository';
import type { CrmOutboxItemEntity } from 'src/crm/entities/crm-outbox-item.entity';
import { CrmOutboxRepository } from 'src/crm/outbox/crm-outbox.repository';
import { HandoffWebhookSender } from 'src/crm/outbox/handoff-webhook';

export interface UpsertContactPayload {
  fields: ContactFields;
  /** Known from the session: merge into this contact rather than searching. */
  contactId?: string;
  /** Set by the executor when the visitor's values differed from the matched contact (kept for review). */
  differingValues?: ContactFields;
}

export interface CreateDealPayload {
  contactId?: string;
  name: string;
  stage?: string;
  amount?: number;
  fields: ContactFields;
}

/** A deal whose contact is still queued: retried later without spending the deal's own retry budget. */
export class DependencyPendingError extends Error {
  constructor() {
    super('waiting for the contact write of this session');
  }
}

/** Performs one outbox item against the tenant's current adapter and mirrors what the remote CRM accepted. */
@Injectable()
export class CrmWriteExecutor {
  constructor(
    private readonly registry: CrmAdapterRegistry,
    private readonly records: CrmRecordsRepository,
    private readonly outbox: CrmOutboxRepository,
    private readonly handoffWebhook: HandoffWebhookSender,
  ) {}

  async perform(item: CrmOutboxItemEntity): Promise<Record<string, unknown>> {
    if (item.operation === 'handoff_webhook') return this.handoffWebhook.deliver(item);
    const adapter = await this.registry.forTenant(item.businessId);
    switch (item.operation) {
      case 'upsert_contact':
        return this.upsertContact(item, adapter, item.payload as unknown as UpsertContactPayload);
      case 'create_deal':
        return this.createDeal(item, adapter, item.payload as unknown as CreateDealPayload);
      default:
        throw new Error(`unknown outbox operation ${String(item.operation)}`);
    }
  }

  /**
   * Dedupe: the session's known contact, else a search by email then phone. A match is merged, never overwritten:
   * the visitor is unverified, so only empty fields are filled and differing values are noted on the contact and
   * kept in this item's payload for review.
   */
  private async upsertContact(item: CrmOutboxItemEntity, adapter: CrmAdapter, payload: UpsertContactPayload) {
    const { businessId } = item;
    const { fields } = payload;
    let existing = payload.contactId ? { id: payload.contactId } : null;
    if (!existing && fields.email) existing = await adapter.searchContact({ email: fields.email });
    if (!existing && fields.phone) existing = await adapter.searchContact({ phone: fields.phone });
    const write = existing ? await adapter.mergeContact(existing.id, fields) : await adapter.createContact(fields);
    const merged = write.action === 'merged';
    if (merged && hasFields(write.differing))
      await this.outbox.recordDifferingValues(businessId, item.id, write.differing);
    if (adapter.type !== 'builtin') {
      const w = write.written;
      await this.records.upsertContact(
        businessId,
        adapter.type,
        write.id,
        {
          sessionId: w.sessionId,
          firstName: w.firstName,
          lastName: w.lastName,
          email: w.email,
          phone: w.phone,
          company: w.company,
        },
        { fillOnly: merged },
      );
    }
    return { contactId: write.id, action: merged ? 'updated' : 'created', crmType: adapter.type };
  }

  private async createDeal(item: CrmOutboxItemEntity, adapter: CrmAdapter, payload: CreateDealPayload) {
    const contactId = payload.contactId ?? (await this.contactOfSession(item));
    const earlier = item.attempts > 0 ? await adapter.findDeal({ contactId, name: payload.name }) : null;
    const ref = earlier ?? (await adapter.createDeal({ ...payload, contactId }));
    if (adapter.type !== 'builtin') {
      await this.records.upsertDeal(item.businessId, adapter.type, ref.id, {
        contactExternalId: contactId,
        sessionId: item.sessionId,
        name: payload.name,
        stage: payload.stage ?? null,
        amount: payload.amount === undefined ? null : payload.amount.toFixed(2),
      });
    }
    return { dealId: ref.id, contactId, crmType: adapter.type };
  }

  private async contactOfSession(item: CrmOutboxItemEntity): Promise<string> {
    const contact = item.sessionId
      ? await this.outbox.findLatestForSession(item.businessId, item.sessionId, 'upsert_contact')
      : null;
    if (!contact) throw new CrmCallError('rejected', 'The deal has no contact: create the contact first');
    if (contact.status === 'failed')
      throw new CrmCallError('rejected', 'The contact of this deal could not be written to the CRM');
    const id = contact.status === 'done' ? contact.result?.contactId : undefined;
    if (typeof id !== 'string') throw new DependencyPendingError();
    return id;
  }
}
