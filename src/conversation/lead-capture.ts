import { CountryCode, findPhoneNumbersInText, isSupportedCountry } from 'libphonenumber-js';

import type { CapturedField, CapturedFields } from 'src/conversation/captured-fields';

export interface LeadCaptureContext {
  /** ISO country for numbers written without a country code. */
  defaultCountry: string;
  /** The field the previous reply asked for: lets a bare answer ("John Smith") count as that field. */
  awaitingField: CapturedField | null;
}

export interface LeadCaptureResult {
  captured: CapturedFields;
  locks: Partial<Record<CapturedField, boolean>>;
  /** Fields locked for the first time this turn. */
  newlyLocked: CapturedField[];
  /** Locked fields the user explicitly corrected this turn. */
  corrected: CapturedField[];
}

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}/i;
const CORRECTION =
  /\b(?:actually|correction|sorry|typo|mistake|wrong|i meant|meant to say|changed|instead|update|new (?:email|e-mail|phone|number|name))\b/i;
const NAME_TOKEN = /^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’-]{0,39}$/;
// Words that follow "I'm" / "this is" far more often than a name does.
const NOT_NAMES = new Set(
  (
    'a an the here there not just good fine great ok okay sure well very really also still new back glad happy sorry ' +
    'interested looking trying calling writing wondering asking hoping planning going about from with in at on for to of ' +
    'and or but so my your our their this that it is was be customer owner manager client curious ready available free ' +
    'busy done thinking unsure confused lost hi hello hey thanks thank yes no maybe actually correction please email phone ' +
    'number name company'
  ).split(' '),
);

const EXPLICIT_NAME = /\b(?:my name is|my name's|name is|name:|call me)\s+(.+)/i;
const IMPLICIT_NAME = /\b(?:i am|i'm|i’m|this is|it's|it’s)\s+(.+)/i;
const EXPLICIT_COMPANY =
  /\b(?:my company is|our company is|company name is|company is|company:|business is called|i work (?:at|for)|i represent)\s+(.+)/i;
const IMPLICIT_COMPANY = /\b(?:i'm with|i am with|we are|we're)\s+(.+)/i;
const COMPANY_TOKEN = /^[A-Za-z0-9&][\w&.'’-]{0,39}$/;

const titleCase = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
const isCapitalized = (word: string) => /^[A-ZÀ-ÖØ-Þ]/.test(word);

function leadingTokens(fragment: string, max: number): string[] {
  const clause = fragment.split(/[,.;!?()\n]| and | but | or /i)[0] ?? '';
  return clause.trim().split(/\s+/).filter(Boolean).slice(0, max);
}

/** `explicit`: "my name is …"; `implicit`: "I'm …" (needs a capital unless a name was asked for); `bare`: the whole reply. */
function nameFrom(
  fragment: string,
  mode: 'explicit' | 'implicit' | 'implicit-asked' | 'bare',
): Pick<CapturedFields, 'firstName' | 'lastName'> | null {
  const requireCapital = mode === 'implicit';
  const tokens = leadingTokens(fragment, 3);
  const [first, second] = tokens;
  const acceptable = (w: string | undefined): w is string =>
    !!w && NAME_TOKEN.test(w) && !NOT_NAMES.has(w.toLowerCase()) && (!requireCapital || isCapitalized(w));
  if (!acceptable(first)) return null;
  // "I'm Calling…", or a bare "plumbing" after "may I have your name?": far more often a word than a name.
  if (mode !== 'explicit' && /ing$/i.test(first) && first.length > 5) return null;
  const result: Pick<CapturedFields, 'firstName' | 'lastName'> = { firstName: titleCase(first) };
  if (acceptable(second)) result.lastName = titleCase(second);
  return result;
}

function companyFrom(fragment: string, requireCapital: boolean): string | null {
  const tokens: string[] = [];
  for (const token of leadingTokens(fragment, 5)) {
    if (!COMPANY_TOKEN.test(token) || NOT_NAMES.has(token.toLowerCase())) break;
    if (requireCapital && !/^[A-Z0-9&]/.test(token)) break;
    tokens.push(token);
  }
  const company = tokens.join(' ').replace(/[.'’-]+$/, '');
  return company.length >= 2 ? company : null;
}

function phoneFrom(text: string, defaultCountry: string): string | null {
  const country = (isSupportedCountry(defaultCountry) ? defaultCountry : 'US') as CountryCode;
  const found = findPhoneNumbersInText(text, country).find((f) => f.number.isValid());
  return found ? found.number.number : null;
}

/** Pulls validated lead fields out of one user message. Nothing here is guessed by the model. */
export function extractLeadFields(message: string, context: LeadCaptureContext): CapturedFields {
  const out: CapturedFields = {};
  const email = EMAIL.exec(message)?.[0];
  if (email) out.email = email.toLowerCase();
  // Digits inside an email address are not a phone number.
  const withoutEmail = email ? message.replace(email, ' ') : message;
  const phone = phoneFrom(withoutEmail, context.defaultCountry);
  if (phone) out.phone = phone;

  const explicitName = EXPLICIT_NAME.exec(withoutEmail);
  const implicitName = IMPLICIT_NAME.exec(withoutEmail);
  const name =
    (explicitName && nameFrom(explicitName[1], 'explicit')) ??
    (implicitName &&
      nameFrom(implicitName[1], context.awaitingField === 'firstName' ? 'implicit-asked' : 'implicit')) ??
    (context.awaitingField === 'firstName' || context.awaitingField === 'lastName' ? bareName(withoutEmail) : null);
  if (name) Object.assign(out, name);

  const explicitCompany = EXPLICIT_COMPANY.exec(withoutEmail);
  const implicitCompany = IMPLICIT_COMPANY.exec(withoutEmail);
  const company =
    (explicitCompany && companyFrom(explicitCompany[1], false)) ??
    (implicitCompany && companyFrom(implicitCompany[1], true)) ??
    (context.awaitingField === 'company' && !email && !phone ? companyFrom(withoutEmail, false) : null);
  if (company) out.company = company;
  return out;
}

/** A message that is only a name (an answer to "may I have your name?"). */
function bareName(text: string): Pick<CapturedFields, 'firstName' | 'lastName'> | null {
  const trimmed = text.trim().replace(/[.!]+$/, '');
  if (!trimmed || trimmed.split(/\s+/).length > 3 || /\d|@|\?/.test(trimmed)) return null;
  return nameFrom(trimmed, 'bare');
}

export function isCorrection(message: string): boolean {
  return CORRECTION.test(message);
}

/**
 * Step 4. Merges what the message contains into the session's captured fields. A field is locked once validated;
 * a locked field changes only when the user says it is a correction ("actually my email is ...").
 */
export function captureLead(
  message: string,
  current: { captured: CapturedFields; locks: Partial<Record<CapturedField, boolean>> },
  context: LeadCaptureContext,
): LeadCaptureResult {
  const found = extractLeadFields(message, context);
  const correcting = isCorrection(message);
  const captured = { ...current.captured };
  const locks = { ...current.locks };
  const newlyLocked: CapturedField[] = [];
  const corrected: CapturedField[] = [];
  for (const [field, value] of Object.entries(found) as [CapturedField, string][]) {
    if (!locks[field]) {
      captured[field] = value;
      locks[field] = true;
      newlyLocked.push(field);
    } else if (correcting && captured[field] !== value) {
      captured[field] = value;
      corrected.push(field);
    }
  }
  return { captured, locks, newlyLocked, corrected };
}

/** Lead fields the engine still wants, in the order they are asked for; locked fields are never in it. */
export const ASKED_FIELDS: readonly CapturedField[] = ['firstName', 'email', 'phone'];

export function missingFields(locks: Partial<Record<CapturedField, boolean>>): CapturedField[] {
  return ASKED_FIELDS.filter((f) => !locks[f]);
}
