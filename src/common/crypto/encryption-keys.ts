import { createHmac } from 'node:crypto';

import { CryptoErrors } from 'src/common/crypto/crypto.errors';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** Accepts 64 hex characters or base64/base64url of exactly 32 bytes; anything else is a configuration error. */
export function parseKey(raw: string, variable: string): EncryptionKey {
  const value = raw.trim();
  let key: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value))
    key = Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
  else throw CryptoErrors.badKey(variable);
  if (key.length !== 32) throw CryptoErrors.badKey(variable);
  return { id: keyId(key), key };
}

/**
 * The id is derived from the key (an HMAC, so it reveals nothing about it) rather than configured, so operators
 * rotate by moving the old key to CRM_ENCRYPTION_PREVIOUS_KEYS and nothing else.
 */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('concierge-secret-cipher-key-id').digest('base64url').slice(0, 8);
}

/** Comma- or whitespace-separated list of previous keys. */
export function parseKeyList(raw: string | undefined, variable: string): EncryptionKey[] {
  if (!raw) return [];
  return raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((k) => parseKey(k, variable));
}
