import { AppError } from 'src/common/errors/app-error';

export const CrmErrorCode = {
  INVALID_CONFIG: 'CRM.INVALID_CONFIG',
  NOT_CONFIGURED: 'CRM.NOT_CONFIGURED',
  AUTH_FAILED: 'CRM.AUTH_FAILED',
  RATE_LIMITED: 'CRM.RATE_LIMITED',
  UNAVAILABLE: 'CRM.UNAVAILABLE',
  REJECTED: 'CRM.REJECTED',
  MALFORMED_RESPONSE: 'CRM.MALFORMED_RESPONSE',
  INVALID_FIELD: 'CRM.INVALID_FIELD',
  CONTACT_NOT_FOUND: 'CRM.CONTACT_NOT_FOUND',
  OUTBOX_ITEM_NOT_FOUND: 'CRM.OUTBOX_ITEM_NOT_FOUND',
  OUTBOX_ITEM_DONE: 'CRM.OUTBOX_ITEM_DONE',
  WEBHOOK_UNAUTHORIZED: 'CRM.WEBHOOK_UNAUTHORIZED',
  WEBHOOK_TYPE_MISMATCH: 'CRM.WEBHOOK_TYPE_MISMATCH',
} as const;

export type CrmFailureKind = 'auth' | 'rate_limited' | 'unavailable' | 'rejected' | 'malformed';

/**
 * A failed call to a tenant's CRM. `retryable` drives the outbox: timeouts, 5xx, 429 and garbled answers are
 * retried; authentication and validation refusals are not (retrying cannot fix them). Never carries credentials.
 */
export class CrmCallError extends AppError {
  constructor(
    readonly failure: CrmFailureKind,
    message: string,
    readonly httpStatus?: number,
    readonly retryAfterMs?: number,
  ) {
    super(failure === 'auth' ? 'UNAUTHORIZED' : failure === 'rejected' ? 'VALIDATION' : 'UNAVAILABLE', codeFor(failure), message);
  }

  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'unavailable' || this.failure === 'malformed';
  }
}

function codeFor(kind: CrmFailureKind): string {
  switch (kind) {
    case 'auth':
      return CrmErrorCode.AUTH_FAILED;
    case 'rate_limited':
      return CrmErrorCode.RATE_LIMITED;
    case 'unavailable':
      return CrmErrorCode.UNAVAILABLE;
    case 'rejected':
      return CrmErrorCode.REJECTED;
    case 'malformed':
      return CrmErrorCode.MALFORMED_RESPONSE;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export const CrmErrors = {
  invalidConfig: (field: string, problem: string) =>
    new AppError('VALIDATION', CrmErrorCode.INVALID_CONFIG, `${field}: ${problem}`),
  invalidField: (field: string, problem: string) =>
    new AppError('VALIDATION', CrmErrorCode.INVALID_FIELD, `${field}: ${problem}`),
  notConfigured: (businessId: string) =>
    new AppError('NOT_FOUND', CrmErrorCode.NOT_CONFIGURED, `Business "${businessId}" has no CRM connection configured`),
  contactNotFound: (contactId: string) =>
    new AppError('NOT_FOUND', CrmErrorCode.CONTACT_NOT_FOUND, `Contact "${contactId}" not found for this business`),
  outboxItemNotFound: (itemId: string) =>
    new AppError('NOT_FOUND', CrmErrorCode.OUTBOX_ITEM_NOT_FOUND, `Outbox item "${itemId}" not found for this business`),
  outboxItemDone: (itemId: string) =>
    new AppError('CONFLICT', CrmErrorCode.OUTBOX_ITEM_DONE, `Outbox item "${itemId}" already succeeded`),
  webhookUnauthorized: () =>
    new AppError('UNAUTHORIZED', CrmErrorCode.WEBHOOK_UNAUTHORIZED, 'Webhook signature or secret is missing or invalid'),
  webhookTypeMismatch: (type: string) =>
    new AppError('NOT_FOUND', CrmErrorCode.WEBHOOK_TYPE_MISMATCH, `This business has no "${type}" CRM connection`),
};
