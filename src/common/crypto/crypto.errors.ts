import { AppError } from 'src/common/errors/app-error';

export const CryptoErrorCode = {
  MALFORMED: 'CRYPTO.MALFORMED_CIPHERTEXT',
  UNKNOWN_KEY: 'CRYPTO.UNKNOWN_KEY',
  DECRYPT_FAILED: 'CRYPTO.DECRYPT_FAILED',
  BAD_KEY: 'CRYPTO.BAD_KEY',
} as const;

/** Messages never carry the plaintext, the key or the ciphertext: only what went wrong. */
export const CryptoErrors = {
  malformed: () => new AppError('INTERNAL', CryptoErrorCode.MALFORMED, 'Stored secret is not a recognised ciphertext'),
  unknownKey: (keyId: string) =>
    new AppError(
      'INTERNAL',
      CryptoErrorCode.UNKNOWN_KEY,
      `Stored secret was encrypted with key id "${keyId}", which is neither CRM_ENCRYPTION_KEY nor in CRM_ENCRYPTION_PREVIOUS_KEYS`,
    ),
  decryptFailed: () =>
    new AppError(
      'INTERNAL',
      CryptoErrorCode.DECRYPT_FAILED,
      'Stored secret failed authentication (tampered, or it belongs to another tenant)',
    ),
  badKey: (variable: string) =>
    new AppError('INTERNAL', CryptoErrorCode.BAD_KEY, `${variable} must be 32 bytes encoded as base64, base64url or 64 hex characters`),
};
