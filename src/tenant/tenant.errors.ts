import { AppError } from 'src/common/errors/app-error';

export const TenantErrorCode = {
  NOT_FOUND: 'TENANT.NOT_FOUND',
  INVALID_CONFIG: 'TENANT.INVALID_CONFIG',
  /** A browser request from a page the tenant does not list in `allowedOrigins`. */
  ORIGIN_NOT_ALLOWED: 'TENANT.ORIGIN_NOT_ALLOWED',
} as const;

export const TenantErrors = {
  notFound: (businessId: string) =>
    new AppError('NOT_FOUND', TenantErrorCode.NOT_FOUND, `Business "${businessId}" not found`),
  invalid: (message: string) => new AppError('VALIDATION', TenantErrorCode.INVALID_CONFIG, message),
  originNotAllowed: () =>
    new AppError('FORBIDDEN', TenantErrorCode.ORIGIN_NOT_ALLOWED, 'This origin is not allowed for this business'),
};
