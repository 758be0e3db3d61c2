import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors } from 'src/common/errors/error-catalogue';
import type { ConfigProblem } from 'src/tenant/tenant-lifecycle';

export const TenantErrorCatalogue = defineErrors({
  NOT_FOUND: { code: 'TENANT.NOT_FOUND', kind: 'NOT_FOUND', meaning: 'No business has this id.' },
  INVALID_CONFIG: {
    code: 'TENANT.INVALID_CONFIG',
    kind: 'VALIDATION',
    meaning: "The business's configuration is invalid (the message names the field); nothing was saved.",
  },
  ORIGIN_NOT_ALLOWED: {
    code: 'TENANT.ORIGIN_NOT_ALLOWED',
    kind: 'FORBIDDEN',
    meaning: 'A browser request from a page the business does not list in `allowedOrigins`.',
  },
});

export const TenantErrorCode = codesOf(TenantErrorCatalogue);

export const TenantErrors = {
  notFound: (businessId: string) => new AppError(TenantErrorCatalogue.NOT_FOUND, `Business "${businessId}" not found`),
  invalid: (message: string) => new AppError(TenantErrorCatalogue.INVALID_CONFIG, message),
  /** Several problems, each tied to its field; the message joins them for clients that read only the message. */
  invalidFields: (fields: ConfigProblem[]) =>
    new AppError(TenantErrorCatalogue.INVALID_CONFIG, fields.map((f) => `${f.field}: ${f.message}`).join('; '), {
      fields,
    }),
  originNotAllowed: () =>
    new AppError(TenantErrorCatalogue.ORIGIN_NOT_ALLOWED, 'This origin is not allowed for this business'),
};
