import type { SecretCipher } from 'src/common/crypto/secret-cipher';
import { forbiddenLiteral } from 'src/common/net/public-fetch';

/**
 * When and how a conversation goes to a person. Every field is optional: the `human_handoff` intent always hands off;
 * `afterNegativeTurns` adds a hand-off after that many negative messages in a row; without `webhookUrl` the session
 * is only listed for the team (GET /admin/business/:id/handoffs).
 */
export interface HandoffConfig {
  afterNegativeTurns?: number;
  /** What the visitor is told when the conversation is handed off. */
  message?: string;
  /** Receives the conversation summary and captured fields, signed with `webhookSecret` (HMAC-SHA256). */
  webhookUrl?: string;
  /** Stored sealed (`enc:` + SecretCipher ciphertext bound to the business); read it with `openHandoffSecret`. */
  webhookSecret?: string;
  /** Calls handed off are transferred here (E.164) with <Dial>; without it the call ends politely. */
  transferNumber?: string;
}

const SEALED = 'enc:';

/** The secret as it is stored: encrypted like CRM credentials, so a database dump or backup does not leak it. */
export function sealHandoffSecret(cipher: SecretCipher, businessId: string, secret: string): string {
  return SEALED + cipher.encrypt(businessId, secret);
}

/** The signing secret; a value saved before secrets were sealed is still read as it was stored. */
export function openHandoffSecret(cipher: SecretCipher, businessId: string, stored: string): string {
  return stored.startsWith(SEALED) ? cipher.decrypt(businessId, stored.slice(SEALED.length)) : stored;
}

export const DEFAULT_HANDOFF_MESSAGE =
  "I'm passing you to a member of the team. They'll pick up this conversation and reply here shortly.";

const KEYS = new Set(['afterNegativeTurns', 'message', 'webhookUrl', 'webhookSecret', 'transferNumber']);
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Every problem with `handoff`, empty when valid. A webhook on a literal non-public address is refused here unless
 * `allowPrivate` (OUTBOUND_ALLOW_PRIVATE_URLS); hostnames are checked again at connect time by the outbound client.
 */
export function validateHandoffConfig(value: unknown, allowPrivate: boolean): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['handoff must be an object {afterNegativeTurns?, message?, webhookUrl?, webhookSecret?, transferNumber?}'];
  const v = value as Record<string, unknown>;
  const errors = Object.keys(v)
    .filter((k) => !KEYS.has(k))
    .map((k) => `handoff.${k} is not a hand-off setting`);
  const n = v.afterNegativeTurns;
  if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 20))
    errors.push('handoff.afterNegativeTurns must be an integer from 1 to 20');
  if (v.message !== undefined && !(typeof v.message === 'string' && v.message.trim() && v.message.length <= 500))
    errors.push('handoff.message must be a non-empty string of at most 500 characters');
  if (v.webhookUrl !== undefined) errors.push(...urlProblems(v.webhookUrl, allowPrivate));
  const secret = v.webhookSecret;
  if (secret !== undefined && !(typeof secret === 'string' && secret.length >= 16 && secret.length <= 200))
    errors.push('handoff.webhookSecret must be a string of 16 to 200 characters');
  if (v.webhookUrl !== undefined && secret === undefined)
    errors.push('handoff.webhookSecret is required with handoff.webhookUrl (the webhook is always signed)');
  if (v.transferNumber !== undefined && !(typeof v.transferNumber === 'string' && E164.test(v.transferNumber)))
    errors.push('handoff.transferNumber must be an E.164 phone number like +14155550100');
  return errors;
}

function urlProblems(url: unknown, allowPrivate: boolean): string[] {
  if (typeof url !== 'string' || url.length > 2000) return ['handoff.webhookUrl must be a URL string'];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['handoff.webhookUrl must be an absolute http(s) URL'];
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return ['handoff.webhookUrl must be an absolute http(s) URL'];
  if (!allowPrivate && forbiddenLiteral(url))
    return ['handoff.webhookUrl points to a non-public address (private, loopback or link-local)'];
  return [];
}
