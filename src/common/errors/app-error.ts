import type { ErrorCode, RegisteredErrorSpec } from 'src/common/errors/error-catalogue';
import type { ErrorKind } from 'src/common/errors/error-kind';

export type { ErrorKind } from 'src/common/errors/error-kind';

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
