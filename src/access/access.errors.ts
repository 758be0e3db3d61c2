import { AppError } from 'src/common/errors/app-error';

export const AccessErrorCode = {
  KEY_NOT_FOUND: 'ACCESS.KEY_NOT_FOUND',
  TOO_MANY_KEYS: 'ACCESS.TOO_MANY_KEYS',
} as const;

export const AccessErrors = {
  keyNotFound: (keyId: string) =>
    new AppError('NOT_FOUND', AccessErrorCode.KEY_NOT_FOUND, `No API key "${keyId}" for this business`),
  tooManyKeys: (max: number) =>
    new AppError(
      'CONFLICT',
      AccessErrorCode.TOO_MANY_KEYS,
      `A business may hold at most ${max} active API keys; revoke one first`,
    ),
};
