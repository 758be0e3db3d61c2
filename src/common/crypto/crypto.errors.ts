import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors } from 'src/common/errors/error-catalogue';

// Stored secrets that cannot be decrypted are an operator's problem, never the client's: all are 500s.
export const CryptoErrorCatalogue = defineErrors({
  MALFORMED: {
    code: 'CRYPTO.MALFORMED_CIPHERTEXT',
    kind: 'INTERNAL',
    meaning: 'A stored secret is not a recognised ciphertext.',
  },
  UNKNOWN_KEY: {
    code: 'CRYPTO.UNKNOWN_KEY',
    kind: 'INTERNAL',
    meaning:
      'A stored secret was encrypted with a key that is neither `CRM_ENCRYPTION_KEY` nor in `CRM_ENCRYPTION_PREVIOUS_KEYS`.',
  },
  DECRYPT_FAILED: {
    code: 'CRYPTO.DECRYPT_FAILED',
    kind: 'INTERNAL',
    meaning: 'A stored secret failed authentication (tampered with, or copied from another business).',
  },
  BAD_KEY: {
    code: 'CRYPTO.BAD_KEY',
    kind: 'INTERNAL',
    meaning: 'An encryption key variable is not 32 bytes in base64, base64url or hex.',
  },
});

export const CryptoErrorCode = codesOf(CryptoErrorCatalogue);

/** Messages never carry the plaintext, the key or the ciphertext: only what went wrong. */
export const CryptoErrors = {
  malformed: () => new AppError(CryptoErrorCatalogue.MALFORMED, 'Stored secret is not a recognised ciphertext'),
  unknownKey: (keyId: string) =>
    new AppError(
      CryptoErrorCatalogue.UNKNOWN_KEY,
      `Stored secret was encrypted with key id "${keyId}", which is neither CRM_ENCRYPTION_KEY nor in CRM_ENCRYPTION_PREVIOUS_KEYS`,
    ),
  decryptFailed: () =>
    new AppError(
      CryptoErrorCatalogue.DECRYPT_FAILED,
      'Stored secret failed authentication (tampered, or it belongs to another tenant)',
    ),
  badKey: (variable: string) =>
    new AppError(
      CryptoErrorCatalogue.BAD_KEY,
      `${variable} must be 32 bytes encoded as base64, base64url or 64 hex characters`,
    ),
};
