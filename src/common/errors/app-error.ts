import type { ErrorCode, RegisteredErrorSpec } from 'src/common/errors/error-catalogue';
import type { ErrorKind } from 'src/common/errors/error-kind';

export type { ErrorKind } from 'src/common/errors/error-kind';

/** A validation problem tied to one input field, so a form can show it beside that field. */
export interface FieldProblem {
  field: string;
  message: string;
}

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
    readonly details?: { retryAfterSeconds?: number; fields?: readonly FieldProblem[] },
  ) {
    super(message);
    this.name = 'AppError';
    this.code = spec.code;
    this.kind = spec.kind;
  }
}
