/** Where an unexpected error goes besides the log (Sentry when SENTRY_DSN is set, see src/metrics). */
export interface ReportedErrorContext {
  /** The id the client got in its 500 body and the log line carries. */
  errorId: string;
  requestId?: string;
  method?: string;
  /** The matched route template, never the raw URL (its path and query can carry ids and PII). */
  route?: string;
}

export abstract class ErrorReporter {
  /** Never throws and never waits for delivery. */
  abstract report(error: unknown, context: ReportedErrorContext): void;
}
