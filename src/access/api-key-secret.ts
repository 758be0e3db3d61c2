import { createHash, randomBytes } from 'node:crypto';

/** Tenant keys read `cpk_<lookup id>_<secret>`: recognisable in a leak scan, found by the id, proven by the secret. */
export const TENANT_KEY_PREFIX = 'cpk_';
const KEY_FORMAT = /^cpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedTenantKey {
  lookupId: string;
  secret: string;
}

export interface NewTenantKey extends ParsedTenantKey {
  key: string;
  secretSha256: string;
}

export function generateTenantKey(): NewTenantKey {
  const lookupId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `${TENANT_KEY_PREFIX}${lookupId}_${secret}`, lookupId, secret, secretSha256: sha256Hex(secret) };
}

export function parseTenantKey(presented: string): ParsedTenantKey | undefined {
  const m = KEY_FORMAT.exec(presented);
  return m ? { lookupId: m[1], secret: m[2] } : undefined;
}

/** The secret carries 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** What a list shows so a key can be recognised without revealing it. */
export function displayPrefix(lookupId: string): string {
  return `${TENANT_KEY_PREFIX}${lookupId}`;
}
