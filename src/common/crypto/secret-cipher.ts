import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Injectable, Logger } from '@nestjs/common';

import { CryptoErrors } from 'src/common/crypto/crypto.errors';
import { EncryptionKey, parseKey, parseKeyList } from 'src/common/crypto/encryption-keys';
import { AppConfig } from 'src/config/app-config.service';

export const GENERATED_KEY_FILE = 'crm-encryption-key';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts tenant secrets (CRM credentials, Twilio tokens) at rest with AES-256-GCM. The tenant id is bound as
 * additional authenticated data, so a ciphertext copied into another tenant's row fails to decrypt. The key id
 * travels with the ciphertext (`v1.<keyId>.<iv>.<tag>.<ct>`, base64url) so old rows still decrypt after rotation.
 */
@Injectable()
export class SecretCipher {
  private readonly logger = new Logger('SecretCipher');
  private readonly current: EncryptionKey;
  private readonly byId = new Map<string, Buffer>();

  constructor(config: AppConfig) {
    this.current = this.loadCurrentKey(config);
    for (const k of [
      this.current,
      ...parseKeyList(config.get('CRM_ENCRYPTION_PREVIOUS_KEYS'), 'CRM_ENCRYPTION_PREVIOUS_KEYS'),
    ]) {
      if (!this.byId.has(k.id)) this.byId.set(k.id, k.key);
    }
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(businessId: string, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.current.id, businessId));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  decrypt(businessId: string, blob: string): string {
    const parts = typeof blob === 'string' ? blob.split('.') : [];
    if (parts.length !== 5 || parts[0] !== VERSION) throw CryptoErrors.malformed();
    const [, id, ivB64, tagB64, ctB64] = parts;
    const key = this.byId.get(id);
    if (!key) throw CryptoErrors.unknownKey(id);
    const iv = Buffer.from(ivB64, 'base64url');
    const tag = Buffer.from(tagB64, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw CryptoErrors.malformed();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(id, businessId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw CryptoErrors.decryptFailed();
    }
  }

  /** True when the blob was written under an older key and should be re-encrypted on the next write. */
  needsRotation(blob: string): boolean {
    return blob.split('.')[1] !== this.current.id;
  }

  private loadCurrentKey(config: AppConfig): EncryptionKey {
    const configured = config.get('CRM_ENCRYPTION_KEY');
    if (configured) return parseKey(configured, 'CRM_ENCRYPTION_KEY');
    // Production never gets here: env validation requires CRM_ENCRYPTION_KEY there.
    const dir = resolve(config.get('DATA_DIR'));
    const file = join(dir, GENERATED_KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
        this.logger.warn(
          { file },
          'CRM_ENCRYPTION_KEY is not set: generated a key in this file (mode 0600); back it up',
        );
      } catch (err) {
        // Another instance sharing DATA_DIR created it first; use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return parseKey(readFileSync(file, 'utf8'), file);
  }
}

function aad(keyId: string, businessId: string): Buffer {
  return Buffer.from(`${VERSION}|${keyId}|${businessId}`, 'utf8');
}
