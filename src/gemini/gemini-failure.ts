import { ApiError } from '@google/genai';

/**
 * What went wrong with a Gemini call, in the terms every consumer acts on. Consumers map it to their own coded
 * errors (LLM.*, RAG.EMBEDDING_FAILED, VOICE.MODEL_*); the shared policy reads `outage` and `retryable`.
 */
export type GeminiFailureReason =
  | 'cancelled'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'interrupted'
  | 'rejected'
  /** The shared circuit is open: no call was made. */
  | 'paused';

export class GeminiFailure extends Error {
  constructor(
    readonly reason: GeminiFailureReason,
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GeminiFailure';
  }

  /**
   * Says something about Gemini's health, so it counts towards the shared breaker: timeouts, network errors, 408,
   * 429, 5xx and streams breaking off. A 400 for one odd input, or a caller leaving, must not pause everyone's calls.
   */
  get outage(): boolean {
    return (
      this.reason === 'timeout' ||
      this.reason === 'rate_limited' ||
      this.reason === 'unavailable' ||
      this.reason === 'interrupted'
    );
  }

  /** Worth another attempt: an unavailable service, or a rate limit whose asked-for wait fits the budget. */
  retryable(maxDelayMs: number): boolean {
    if (this.reason === 'unavailable') return true;
    if (this.reason !== 'rate_limited') return false;
    return this.retryAfterSeconds === undefined || this.retryAfterSeconds * 1000 <= maxDelayMs;
  }
}

const UNAVAILABLE_STATUS = new Set([408, 500, 502, 503, 504]);

export interface FailureContext {
  /** The per-attempt deadline fired (as opposed to the caller aborting). */
  timedOut?: boolean;
  /** The caller's own signal aborted. */
  cancelled?: boolean;
  timeoutMs?: number;
  /** A failure after a stream had started is an interruption, not an unreachable service. */
  phase?: 'request' | 'stream';
}

/** The one outage classifier: turns whatever the SDK or fetch threw into a GeminiFailure. */
export function classifyGeminiError(err: unknown, context: FailureContext = {}): GeminiFailure {
  if (err instanceof GeminiFailure) return err;
  if (context.cancelled) return new GeminiFailure('cancelled', 'The request was cancelled');
  if (context.timedOut) {
    return new GeminiFailure('timeout', `Gemini did not answer within ${context.timeoutMs ?? '?'} ms`);
  }
  if (err instanceof ApiError) {
    const detail = googleErrorMessage(err.message);
    if (err.status === 429) {
      return new GeminiFailure('rate_limited', `Gemini rate limit: ${detail}`, 429, retryDelaySeconds(err.message));
    }
    if (UNAVAILABLE_STATUS.has(err.status) || err.status >= 500) {
      return new GeminiFailure('unavailable', `Gemini ${err.status}: ${detail}`, err.status);
    }
    return new GeminiFailure('rejected', `Gemini rejected the request (${err.status}): ${detail}`, err.status);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (context.phase === 'stream') return new GeminiFailure('interrupted', `Gemini stream broke off: ${message}`);
  return new GeminiFailure('unavailable', `Gemini unreachable: ${message}`);
}

/**
 * A Live socket closed before its setup completed. Gemini Live reports a bad key, model or setup message with 1007
 * (invalid payload) or 1008 (policy violation): rejections, which must not pause every caller. Anything else (1011,
 * an abnormal 1006) is an outage.
 */
export function liveCloseFailure(code: number): GeminiFailure {
  const message = `Live model closed the connection (${code})`;
  return new GeminiFailure(code === 1007 || code === 1008 ? 'rejected' : 'unavailable', message);
}

/** Seconds Google asks us to wait, from the RetryInfo detail of a 429 body (e.g. `"retryDelay": "13s"`). */
export function retryDelaySeconds(message: string): number | undefined {
  const match = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match ? Math.ceil(Number(match[1])) : undefined;
}

/** Google's human-readable error message from an ApiError message (which is the JSON body), without the body. */
export function googleErrorMessage(message: string): string {
  const match = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(message);
  const text = match ? match[1].replace(/\\(.)/g, '$1') : message;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
