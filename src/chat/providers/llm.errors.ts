import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors, specsByCode } from 'src/common/errors/error-catalogue';

// Chat turns catch these and answer with a polite fallback; they reach a client only where no fallback applies.
export const LlmErrorCatalogue = defineErrors({
  TIMEOUT: {
    code: 'LLM.TIMEOUT',
    kind: 'UNAVAILABLE',
    meaning: 'The language model did not answer within the configured time.',
  },
  RATE_LIMITED: {
    code: 'LLM.RATE_LIMITED',
    kind: 'RATE_LIMITED',
    meaning:
      "The model provider's quota or rate limit was hit and its suggested wait is longer than a chat turn can afford.",
  },
  UNAVAILABLE: {
    code: 'LLM.UNAVAILABLE',
    kind: 'UNAVAILABLE',
    meaning: 'The model provider failed (5xx or network) for longer than the retries.',
  },
  CIRCUIT_OPEN: {
    code: 'LLM.CIRCUIT_OPEN',
    kind: 'UNAVAILABLE',
    meaning: 'Recent model calls failed so often that calls are refused for a while without trying.',
  },
  STREAM_INTERRUPTED: {
    code: 'LLM.STREAM_INTERRUPTED',
    kind: 'UNAVAILABLE',
    meaning: "The model's streamed answer broke off part way.",
  },
  REJECTED: {
    code: 'LLM.REJECTED',
    kind: 'UNAVAILABLE',
    meaning: 'The model provider rejected the request itself (bad key, model or request); retrying cannot help.',
  },
  CANCELLED: {
    code: 'LLM.CANCELLED',
    kind: 'UNAVAILABLE',
    meaning: 'The model call was cancelled because the client went away.',
  },
});

export const LlmErrorCode = codesOf(LlmErrorCatalogue);
const LLM_ERRORS = specsByCode(LlmErrorCatalogue);

export type LlmErrorCode = (typeof LlmErrorCode)[keyof typeof LlmErrorCode];

/**
 * Every failure of an LlmProvider surfaces as this one type, so the engine can catch it and answer with a polite
 * fallback. It still is an AppError (503, or 429 with Retry-After) so that one that escapes never becomes a 500.
 */
export class LlmError extends AppError {
  constructor(
    readonly llmCode: LlmErrorCode,
    message: string,
    retryAfterSeconds?: number,
  ) {
    super(LLM_ERRORS[llmCode], message, retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined);
    this.name = 'LlmError';
  }

  /** Whether the failure says something about the provider's health (counts towards the circuit breaker). */
  get transient(): boolean {
    return (
      this.llmCode === LlmErrorCode.TIMEOUT ||
      this.llmCode === LlmErrorCode.RATE_LIMITED ||
      this.llmCode === LlmErrorCode.UNAVAILABLE ||
      this.llmCode === LlmErrorCode.STREAM_INTERRUPTED
    );
  }
}
