import { isValidPhoneNumber } from 'libphonenumber-js';

import type { CapturedField, CapturedFields } from 'src/conversation/captured-fields';
import type { ContactFields } from 'src/crm/crm-adapter.port';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const IDENTITY: readonly CapturedField[] = ['email', 'phone'];
export const PERSONAL: readonly CapturedField[] = ['firstName', 'lastName', 'email', 'phone', 'company'];

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The visitor's own details only: identity fields must be what the session captured, names and company must not
 * contradict it. Captured values fill in whatever the model left out. A string is the refusal the model reads.
 * Shared by the CRM tools and their dry run, so a simulation refuses exactly what a live conversation would.
 */
export function visitorFields(
  args: Record<string, unknown>,
  captured: CapturedFields,
  allowed: readonly CapturedField[],
): ContactFields | string {
  const out: ContactFields = {};
  for (const field of allowed) {
    const given = text(args[field]);
    const known = text(captured[field]);
    if (given !== undefined && known !== undefined && normalize(field, given) !== normalize(field, known)) {
      return `"${field}" does not match what the visitor gave in this conversation; use the visitor's own details only.`;
    }
    if (given !== undefined && known === undefined && IDENTITY.includes(field)) {
      return `"${field}" has not been given by the visitor in this conversation; ask them for it.`;
    }
    const value = known ?? given;
    if (value === undefined) continue;
    if (field === 'email' && !EMAIL.test(value)) return '"email" is not a valid email address.';
    if (field === 'phone' && !(E164.test(value) && isValidPhoneNumber(value))) {
      return '"phone" must be a valid phone number in E.164 form, e.g. +14155550100.';
    }
    out[field] = value;
  }
  return out;
}

function normalize(field: CapturedField, value: string): string {
  return field === 'phone' ? value.replace(/[^\d+]/g, '') : value.toLowerCase().replace(/\s+/g, ' ');
}
