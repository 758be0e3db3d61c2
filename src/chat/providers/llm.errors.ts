import { AppError } from 'src/common/errors/app-error';

export const LlmErrorCode = {
  /** The model did not answer within the configured time. */
  TIMEOUT: 'LLM.TIMEOUT',
  /** The provider's quota or rate limit was hit and the suggested wait is longer than a chat turn can afford. */
  RATE_LIMITED: 'LLM.RATE_LIMITED',
  /** 5xx or network failures that outlasted the retries. */
  UNAVAILABLE: 'LLM.UNAVAILABLE',
  /** Recent calls failed so often that calls are refused for a while without trying. */
  CIRCUIT_OPEN: 'LLM.CIRCUIT_OPEN',
  /** The streamed answer broke off part way; what was streamed is incomplete. */
  STREAM_INTERRUPTED: 'LLM.STREAM_INTERRUPTED',
  /** The provider rejected the request itself (bad key, bad model, malformed request): retrying cannot help. */
  REJECTED: 'LLM.REJECTED',
  /** The caller aborted (client went away). */
  CANCELLED: 'LLM.CANCELLED',
} as const;

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
    super(
      llmCode === LlmErrorCode.RATE_LIMITED ? 'RATE_LIMITED' : 'UNAVAILABLE',
      llmCode,
      message,
      retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined,
    );
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
