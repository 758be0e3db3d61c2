import { AppError } from 'src/common/errors/app-error';

export const TenantErrorCode = {
  NOT_FOUND: 'TENANT.NOT_FOUND',
  INVALID_CONFIG: 'TENANT.INVALID_CONFIG',
} as const;

export const TenantErrors = {
  notFound: (businessId: string) =>
    new AppError('NOT_FOUND', TenantErrorCode.NOT_FOUND, `Business "${businessId}" not found`),
  invalid: (message: string) => new AppError('VALIDATION', TenantErrorCode.INVALID_CONFIG, message),
};
