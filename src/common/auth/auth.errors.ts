import { AppError } from 'src/common/errors/app-error';

/** `auth.wrong_tenant` and `auth.insufficient_role` are spelled as the API contract names them. */
export const AuthErrorCode = {
  MISSING_KEY: 'AUTH.MISSING_KEY',
  INVALID_KEY: 'AUTH.INVALID_KEY',
  WRONG_TENANT: 'auth.wrong_tenant',
  INSUFFICIENT_ROLE: 'auth.insufficient_role',
} as const;

export const AuthErrors = {
  missingKey: () =>
    new AppError(
      'UNAUTHORIZED',
      AuthErrorCode.MISSING_KEY,
      'Admin API key required (X-Admin-API-Key or Authorization: Bearer)',
    ),
  invalidKey: () => new AppError('UNAUTHORIZED', AuthErrorCode.INVALID_KEY, 'Invalid admin API key'),
  revokedKey: () => new AppError('UNAUTHORIZED', AuthErrorCode.INVALID_KEY, 'This API key has been revoked'),
  wrongTenant: () =>
    new AppError(
      'FORBIDDEN',
      AuthErrorCode.WRONG_TENANT,
      "This key belongs to another business; it only opens its own business's admin routes",
    ),
  insufficientRole: (needed: string) =>
    new AppError('FORBIDDEN', AuthErrorCode.INSUFFICIENT_ROLE, `This key's role cannot do this; it needs ${needed}`),
};
