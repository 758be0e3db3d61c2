import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

export const AccessErrorCatalogue = defineErrors({
  KEY_NOT_FOUND: {
    code: 'ACCESS.KEY_NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: 'No API key with this id for this business.',
  },
  TOO_MANY_KEYS: {
    code: 'ACCESS.TOO_MANY_KEYS',
    kind: 'CONFLICT',
    meaning: 'The business already holds the most active API keys allowed; revoke one first.',
  },
});

export const AccessErrors = {
  keyNotFound: (keyId: string) =>
    new AppError(AccessErrorCatalogue.KEY_NOT_FOUND, `No API key "${keyId}" for this business`),
  tooManyKeys: (max: number) =>
    new AppError(
      AccessErrorCatalogue.TOO_MANY_KEYS,
      `A business may hold at most ${max} active API keys; revoke one first`,
    ),
};
