import type { ContactFields, PlatformField } from 'src/crm/crm-adapter.port';

/** What a visitor claims about themselves; differing values are kept for a person to review. */
const CLAIMS: readonly PlatformField[] = ['firstName', 'lastName', 'email', 'phone', 'company', 'message'];
/** Facts about the conversation, not claims: filled when empty, never worth a note when they differ. */
const CONTEXT: readonly PlatformField[] = ['source', 'sessionId'];

const LABELS: Record<PlatformField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  message: 'Message',
  source: 'Source',
  sessionId: 'Session',
};

export interface ContactMerge {
  /** Fields the contact has no value for: safe to write. */
  fill: ContactFields;
  /** Visitor values that differ from what the contact holds: recorded beside the contact, never written over it. */
  differing: ContactFields;
}

/** What a CRM holds, in platform terms: null or '' is known to be empty, a missing key is unknown. */
export type HeldFields = Partial<Record<PlatformField, string | null>>;

/**
 * A chat or phone visitor is unverified: anyone can type someone else's email. So a visitor matched to an existing
 * contact may only fill fields the contact is known to leave empty; anything else they claim that differs is only
 * recorded. `held` is null when the CRM cannot be read at all.
 */
export function mergeUnverified(held: HeldFields | null, incoming: ContactFields): ContactMerge {
  const fill: ContactFields = {};
  const differing: ContactFields = {};
  for (const field of [...CLAIMS, ...CONTEXT]) {
    const given = incoming[field]?.trim();
    if (!given) continue;
    const known = held !== null && field in held;
    const value = known ? held[field]?.trim() : undefined;
    if (known && !value) fill[field] = given;
    else if (CLAIMS.includes(field) && (!known || comparable(field, value!) !== comparable(field, given))) {
      differing[field] = given;
    }
  }
  return { fill, differing };
}

export function hasFields(fields: ContactFields): boolean {
  return Object.values(fields).some((v) => v !== undefined && v !== '');
}

/** The note text the adapters attach to the contact: plain lines a salesperson can read in any CRM. */
export function differingNote(differing: ContactFields, context: { sessionId?: string; source?: string }): string {
  const via = [context.source, context.sessionId ? `session ${context.sessionId}` : undefined]
    .filter(Boolean)
    .join(', ');
  const lines = CLAIMS.filter((f) => differing[f]).map((f) => `${LABELS[f]}: ${differing[f]}`);
  return [
    `An unverified visitor${via ? ` (${via})` : ''} matched this contact and gave details that differ from it. The contact was not changed; check before using these:`,
    ...lines,
  ].join('\n');
}

function comparable(field: PlatformField, value: string): string {
  if (field === 'phone') return value.replace(/[^\d+]/g, '');
  return value.toLowerCase().replace(/\s+/g, ' ');
}
