/** Lead fields the platform knows; tenants map each to a CRM field name. */
export const PLATFORM_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'message',
  'source',
  'sessionId',
] as const;
export type PlatformField = (typeof PLATFORM_FIELDS)[number];
export type ContactFields = Partial<Record<PlatformField, string>>;

export const CRM_TYPES = ['builtin', 'hubspot', 'salesforce', 'webhook'] as const;
export type CrmType = (typeof CRM_TYPES)[number];

export interface ContactQuery {
  email?: string;
  phone?: string;
}

export interface CrmRecordRef {
  id: string;
}

/** What a contact write did, for the mirror, the outbox and (never beyond "saved") the model. */
export interface ContactWrite {
  id: string;
  /** 'merged': an existing contact matched, and only its empty fields were written. */
  action: 'created' | 'merged';
  /** The fields actually written to the CRM. */
  written: ContactFields;
  /** Visitor values that differ from the existing contact: recorded beside it, never written over it. */
  differing: ContactFields;
}

export interface DealInput {
  contactId: string;
  name: string;
  stage?: string;
  amount?: number;
  /** Platform fields to attach to the deal (message, source, sessionId), mapped like contact fields. */
  fields: ContactFields;
}

export interface CrmPipeline {
  id: string;
  label: string;
  stages: { id: string; label: string }[];
}

export interface ConnectionTestResult {
  ok: boolean;
  /** Plain words for an administrator, never a credential. */
  message: string;
}

/**
 * One tenant's CRM, already bound to its credentials and field mapping. Instances are immutable and built by
 * CrmAdapterRegistry; callers never see credentials. Remote failures are thrown as CrmCallError.
 */
export abstract class CrmAdapter {
  abstract readonly type: CrmType;
  abstract searchContact(query: ContactQuery): Promise<CrmRecordRef | null>;
  abstract createContact(fields: ContactFields): Promise<ContactWrite>;
  /**
   * Merges an unverified visitor's details into an existing contact: fills only its empty fields and records the
   * differing values as a note or activity on the contact, in the CRM's own terms (see mergeUnverified).
   */
  abstract mergeContact(id: string, fields: ContactFields): Promise<ContactWrite>;
  abstract createDeal(input: DealInput): Promise<CrmRecordRef>;
  /**
   * Finds a deal already created for this contact under this name. Called before a retried create, because a
   * create that timed out may have succeeded; adapters that cannot look deals up return null.
   */
  findDeal(_query: { contactId: string; name: string }): Promise<CrmRecordRef | null> {
    return Promise.resolve(null);
  }
  abstract listPipelines(): Promise<CrmPipeline[]>;
  abstract testConnection(): Promise<ConnectionTestResult>;
  /** Releases sockets or timers; called when the tenant's configuration changes. */
  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
