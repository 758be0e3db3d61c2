import { randomBytes } from 'node:crypto';

import { CryptoErrorCode } from 'src/common/crypto/crypto.errors';
import { SecretCipher } from 'src/common/crypto/secret-cipher';
import type { AppConfig } from 'src/config/app-config.service';
import type { EnvSchema } from 'src/config/env.schema';

const configWith = (env: Partial<EnvSchema>) =>
  ({
    get: <K extends keyof EnvSchema>(key: K) => {
      if (!(key in env)) throw new Error(`unexpected config read: ${String(key)}`);
      return env[key];
    },
  }) as unknown as AppConfig;

const newKey = (encoding: 'base64' | 'hex' | 'base64url' = 'base64') => randomBytes(32).toString(encoding);

const cipherWith = (current: string, previous?: string) =>
  new SecretCipher(configWith({ CRM_ENCRYPTION_KEY: current, CRM_ENCRYPTION_PREVIOUS_KEYS: previous }));

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe(SecretCipher.name, () => {
  const secret = 'pat-na1-0123456789abcdef';

  it('round-trips a secret for the tenant it was encrypted for', () => {
    const sut = cipherWith(newKey());
    expect(sut.decrypt('tenant-a', sut.encrypt('tenant-a', secret))).toBe(secret);
  });

  it('accepts hex and base64url keys as well as base64', () => {
    for (const key of [newKey('hex'), newKey('base64url')]) {
      const sut = cipherWith(key);
      expect(sut.decrypt('t', sut.encrypt('t', secret))).toBe(secret);
    }
  });

  it('writes v1.<keyId>.<iv>.<tag>.<ct> with a fresh 96-bit IV each time and no plaintext', () => {
    const sut = cipherWith(newKey());
    const a = sut.encrypt('tenant-a', secret);
    const b = sut.encrypt('tenant-a', secret);
    const [version, keyId, iv, tag, ct] = a.split('.');
    expect(version).toBe('v1');
    expect(keyId).toBe(sut.currentKeyId);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ct, 'base64url')).toHaveLength(Buffer.byteLength(secret));
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
  });

  it('refuses a ciphertext whose body was altered', () => {
    const sut = cipherWith(newKey());
    const parts = sut.encrypt('tenant-a', secret).split('.');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 0x01;
    parts[4] = ct.toString('base64url');
    expect(codeOf(() => sut.decrypt('tenant-a', parts.join('.')))).toBe(CryptoErrorCode.DECRYPT_FAILED);
  });

  it('refuses a ciphertext whose tag or IV was altered', () => {
    const sut = cipherWith(newKey());
    const parts = sut.encrypt('tenant-a', secret).split('.');
    const withTag = [...parts];
    withTag[3] = randomBytes(16).toString('base64url');
    const withIv = [...parts];
    withIv[2] = randomBytes(12).toString('base64url');
    expect(codeOf(() => sut.decrypt('tenant-a', withTag.join('.')))).toBe(CryptoErrorCode.DECRYPT_FAILED);
    expect(codeOf(() => sut.decrypt('tenant-a', withIv.join('.')))).toBe(CryptoErrorCode.DECRYPT_FAILED);
  });

  it('refuses a ciphertext copied to another tenant', () => {
    const sut = cipherWith(newKey());
    const blob = sut.encrypt('tenant-a', secret);
    expect(codeOf(() => sut.decrypt('tenant-b', blob))).toBe(CryptoErrorCode.DECRYPT_FAILED);
  });

  it('never puts the secret or the ciphertext in the error message', () => {
    const sut = cipherWith(newKey());
    const blob = sut.encrypt('tenant-a', secret);
    try {
      sut.decrypt('tenant-b', blob);
      throw new Error('decrypt should have failed');
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
      expect((err as Error).message).not.toContain(blob.split('.')[4]);
    }
  });

  it('refuses malformed blobs with a coded error', () => {
    const sut = cipherWith(newKey());
    for (const blob of ['', 'plain-text', 'v2.a.b.c.d', 'v1.a.b.c']) {
      expect(codeOf(() => sut.decrypt('t', blob))).toBe(CryptoErrorCode.MALFORMED);
    }
  });

  it('still decrypts old ciphertexts after rotation when the old key is listed as previous', () => {
    const oldKey = newKey();
    const before = cipherWith(oldKey);
    const blob = before.encrypt('tenant-a', secret);
    const after = cipherWith(newKey('hex'), `${newKey()},${oldKey}`);
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect(after.decrypt('tenant-a', blob)).toBe(secret);
    expect(after.needsRotation(blob)).toBe(true);
    expect(after.needsRotation(after.encrypt('tenant-a', secret))).toBe(false);
  });

  it('reports an unknown key id when the old key was dropped from configuration', () => {
    const blob = cipherWith(newKey()).encrypt('tenant-a', secret);
    expect(codeOf(() => cipherWith(newKey()).decrypt('tenant-a', blob))).toBe(CryptoErrorCode.UNKNOWN_KEY);
  });

  it('rejects a key that is not 32 bytes at construction', () => {
    expect(codeOf(() => cipherWith(randomBytes(24).toString('base64')))).toBe(CryptoErrorCode.BAD_KEY);
    expect(codeOf(() => cipherWith(newKey(), randomBytes(31).toString('hex')))).toBe(CryptoErrorCode.BAD_KEY);
  });
});
