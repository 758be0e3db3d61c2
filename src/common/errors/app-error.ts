import type { ErrorCode, RegisteredErrorSpec } from 'src/common/errors/error-catalogue';

/**
 * The kinds of failure the platform distinguishes. The exception filter maps each to one HTTP
 * status in an exhaustive switch, so adding a kind without a mapping fails to compile.
 */
export type ErrorKind =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * Thrown by services; never HttpException. Built from a catalogue entry (`src/<module>/<module>.errors.ts`), so the
 * code is one the registry declares and its kind, hence its HTTP status, is the one the README lists.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;

  constructor(
    spec: RegisteredErrorSpec,
    message: string,
    readonly details?: { retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = 'AppError';
    this.code = spec.code;
    this.kind = spec.kind;
  }
}
