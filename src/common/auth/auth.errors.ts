import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

/** `auth.wrong_tenant` and `auth.insufficient_role` are spelled as the API contract names them. */
export const AuthErrorCatalogue = defineErrors({
  MISSING_KEY: {
    code: 'AUTH.MISSING_KEY',
    kind: 'UNAUTHORIZED',
    meaning: 'An admin route was called without a key (`X-Admin-API-Key` or `Authorization: Bearer`).',
  },
  INVALID_KEY: {
    code: 'AUTH.INVALID_KEY',
    kind: 'UNAUTHORIZED',
    meaning: 'The admin key is unknown or has been revoked.',
  },
  WRONG_TENANT: {
    code: 'auth.wrong_tenant',
    kind: 'FORBIDDEN',
    meaning: "A business key was used on another business's admin routes.",
  },
  INSUFFICIENT_ROLE: {
    code: 'auth.insufficient_role',
    kind: 'FORBIDDEN',
    meaning: "The business key's role does not allow this operation (the message names the role needed).",
  },
});

export const AuthErrors = {
  missingKey: () =>
    new AppError(AuthErrorCatalogue.MISSING_KEY, 'Admin API key required (X-Admin-API-Key or Authorization: Bearer)'),
  invalidKey: () => new AppError(AuthErrorCatalogue.INVALID_KEY, 'Invalid admin API key'),
  revokedKey: () => new AppError(AuthErrorCatalogue.INVALID_KEY, 'This API key has been revoked'),
  wrongTenant: () =>
    new AppError(
      AuthErrorCatalogue.WRONG_TENANT,
      "This key belongs to another business; it only opens its own business's admin routes",
    ),
  insufficientRole: (needed: string) =>
    new AppError(AuthErrorCatalogue.INSUFFICIENT_ROLE, `This key's role cannot do this; it needs ${needed}`),
};
