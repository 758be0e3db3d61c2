import type { ErrorCode, RegisteredErrorSpec } from 'src/common/errors/error-catalogue';
import type { ErrorKind } from 'src/common/errors/error-kind';

export type { ErrorKind } from 'src/common/errors/error-kind';

/** One problem with one input field, by its dotted path in the request body (`settings.ragMinConfidence`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** What the exception filter turns into headers or body fields beside the code and message. */
export interface AppErrorDetails {
  retryAfterSeconds?: number;
  /** Validation errors name their fields, so a form can show each problem next to its input. */
  fields?: readonly FieldProblem[];
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
    readonly details?: AppErrorDetails,
  ) {
    super(message);
    this.name = 'AppError';
    this.code = spec.code;
    this.kind = spec.kind;
  }
}
