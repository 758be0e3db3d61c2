import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors } from 'src/common/errors/error-catalogue';

export const CrmErrorCatalogue = defineErrors({
  INVALID_CONFIG: {
    code: 'CRM.INVALID_CONFIG',
    kind: 'VALIDATION',
    meaning: 'The CRM connection settings are invalid (the message names the field); nothing was saved.',
  },
  NOT_CONFIGURED: { code: 'CRM.NOT_CONFIGURED', kind: 'NOT_FOUND', meaning: 'The business has no CRM connection.' },
  AUTH_FAILED: {
    code: 'CRM.AUTH_FAILED',
    kind: 'UNAUTHORIZED',
    meaning: "The business's CRM rejected its credentials; save working ones.",
  },
  RATE_LIMITED: {
    code: 'CRM.RATE_LIMITED',
    kind: 'UNAVAILABLE',
    meaning: "The business's CRM is rate-limiting the platform; queued writes are retried after its Retry-After.",
  },
  UNAVAILABLE: {
    code: 'CRM.UNAVAILABLE',
    kind: 'UNAVAILABLE',
    meaning: "The business's CRM could not be reached, timed out or failed; queued writes are retried.",
  },
  REJECTED: {
    code: 'CRM.REJECTED',
    kind: 'VALIDATION',
    meaning: "The business's CRM refused the request itself; retrying cannot help.",
  },
  MALFORMED_RESPONSE: {
    code: 'CRM.MALFORMED_RESPONSE',
    kind: 'UNAVAILABLE',
    meaning: "The business's CRM answered with something that is not a valid response; queued writes are retried.",
  },
  INVALID_FIELD: {
    code: 'CRM.INVALID_FIELD',
    kind: 'VALIDATION',
    meaning: 'A CRM field or inbound webhook payload is malformed (the message names it).',
  },
  CONTACT_NOT_FOUND: {
    code: 'CRM.CONTACT_NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: "No contact with this id in the business's built-in CRM.",
  },
  OUTBOX_ITEM_NOT_FOUND: {
    code: 'CRM.OUTBOX_ITEM_NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: 'No CRM outbox item with this id for this business.',
  },
  OUTBOX_ITEM_DONE: {
    code: 'CRM.OUTBOX_ITEM_DONE',
    kind: 'CONFLICT',
    meaning: 'The CRM outbox item already succeeded, so it cannot be retried.',
  },
  WEBHOOK_UNAUTHORIZED: {
    code: 'CRM.WEBHOOK_UNAUTHORIZED',
    kind: 'UNAUTHORIZED',
    meaning: 'An inbound CRM webhook has a missing or invalid signature or secret.',
  },
  WEBHOOK_TYPE_MISMATCH: {
    code: 'CRM.WEBHOOK_TYPE_MISMATCH',
    kind: 'NOT_FOUND',
    meaning: 'An inbound CRM webhook names a CRM type the business is not connected to.',
  },
});

export const CrmErrorCode = codesOf(CrmErrorCatalogue);

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
    super(specFor(failure), message);
  }

  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'unavailable' || this.failure === 'malformed';
  }
}

function specFor(kind: CrmFailureKind) {
  switch (kind) {
    case 'auth':
      return CrmErrorCatalogue.AUTH_FAILED;
    case 'rate_limited':
      return CrmErrorCatalogue.RATE_LIMITED;
    case 'unavailable':
      return CrmErrorCatalogue.UNAVAILABLE;
    case 'rejected':
      return CrmErrorCatalogue.REJECTED;
    case 'malformed':
      return CrmErrorCatalogue.MALFORMED_RESPONSE;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export const CrmErrors = {
  invalidConfig: (field: string, problem: string) =>
    new AppError(CrmErrorCatalogue.INVALID_CONFIG, `${field}: ${problem}`, {
      fields: [{ path: field, message: `${field}: ${problem}` }],
    }),
  invalidField: (field: string, problem: string) =>
    new AppError(CrmErrorCatalogue.INVALID_FIELD, `${field}: ${problem}`),
  notConfigured: (businessId: string) =>
    new AppError(CrmErrorCatalogue.NOT_CONFIGURED, `Business "${businessId}" has no CRM connection configured`),
  contactNotFound: (contactId: string) =>
    new AppError(CrmErrorCatalogue.CONTACT_NOT_FOUND, `Contact "${contactId}" not found for this business`),
  outboxItemNotFound: (itemId: string) =>
    new AppError(CrmErrorCatalogue.OUTBOX_ITEM_NOT_FOUND, `Outbox item "${itemId}" not found for this business`),
  outboxItemDone: (itemId: string) =>
    new AppError(CrmErrorCatalogue.OUTBOX_ITEM_DONE, `Outbox item "${itemId}" already succeeded`),
  webhookUnauthorized: () =>
    new AppError(CrmErrorCatalogue.WEBHOOK_UNAUTHORIZED, 'Webhook signature or secret is missing or invalid'),
  webhookTypeMismatch: (type: string) =>
    new AppError(CrmErrorCatalogue.WEBHOOK_TYPE_MISMATCH, `This business has no "${type}" CRM connection`),
};
