import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  IRetryBackoffContext,
  retry,
} from 'cockatiel';

import { Deadline } from 'src/common/deadline/deadline';
import { classifyGeminiError, GeminiFailure } from 'src/gemini/gemini-failure';

export interface GeminiPolicyOptions {
  /** Consecutive outages (each counted after its call's retries) that open the circuit (default 5). */
  breakerThreshold?: number;
  /** How long every call fails fast before one probe is let through (default 30 s). */
  breakerHalfOpenAfterMs?: number;
}

/** Each consumer's own retry budget: a chat turn, an ingestion batch and a phone call afford different waits. */
export interface GeminiRetryBudget {
  /** Calls including the first. */
  attempts: number;
  initialDelayMs: number;
  /** Cap of the backoff; a 429 asking for a longer wait than this fails at once. */
  maxDelayMs: number;
}

export interface GeminiCallOptions {
  /** The caller's cancellation (client gone): stops the attempt and any backoff wait. */
  signal?: AbortSignal;
  /** Omitted: one attempt. */
  retry?: GeminiRetryBudget;
}

export const NO_RETRY: GeminiRetryBudget = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 };

/**
 * The resilience policy of every Gemini call in the process: retries inside (per call, with the consumer's budget,
 * honouring Google's RetryInfo), one circuit breaker outside, shared by chat, embeddings, re-ranking and Live. The
 * breaker is shared because they all reach the same API with the same key: an outage chat has seen is an outage
 * for ingestion too, and repeating the discovery per consumer only adds waiting callers. Every failure leaves as a
 * GeminiFailure; an open circuit as reason `paused`.
 */
export class GeminiPolicy {
  private readonly breaker: CircuitBreakerPolicy;

  constructor(options: GeminiPolicyOptions = {}) {
    this.breaker = circuitBreaker(
      handleWhen((err) => err instanceof GeminiFailure && err.outage),
      {
        halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000,
        breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
      },
    );
  }

  /**
   * Runs `attempt` under retries and the breaker. `attempt` may throw a GeminiFailure it classified itself (it knows
   * about its deadline or stream phase); anything else is classified here.
   */
  async execute<T>(
    attempt: (signal: AbortSignal | undefined) => Promise<T>,
    options: GeminiCallOptions = {},
  ): Promise<T> {
    const { signal } = options;
    const budget = options.retry ?? NO_RETRY;
    const classified = async () => {
      try {
        return await attempt(signal);
      } catch (err) {
        throw classifyGeminiError(err, { cancelled: signal?.aborted });
      }
    };
    try {
      if (budget.attempts <= 1) return await this.breaker.execute(classified, signal);
      const retries = retryPolicy(budget);
      return await this.breaker.execute(() => retries.execute(classified, signal), signal);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new GeminiFailure('paused', 'Gemini is failing; calls are paused for a moment');
      }
      throw classifyGeminiError(err, { cancelled: signal?.aborted });
    }
  }

  /** One SDK call per attempt, each bounded by its own deadline whose signal the SDK call receives. */
  call<T>(fn: (signal: AbortSignal) => Promise<T>, options: GeminiCallOptions & { timeoutMs: number }): Promise<T> {
    return this.execute(async (signal) => {
      const deadline = new Deadline(options.timeoutMs, signal);
      try {
        return await fn(deadline.signal);
      } catch (err) {
        throw classifyGeminiError(err, {
          cancelled: signal?.aborted,
          timedOut: deadline.timedOut,
          timeoutMs: deadline.ms,
        });
      } finally {
        deadline.dispose();
      }
    }, options);
  }
}

function retryPolicy(budget: GeminiRetryBudget) {
  return retry(
    handleWhen((err) => err instanceof GeminiFailure && err.retryable(budget.maxDelayMs)),
    {
      maxAttempts: budget.attempts - 1,
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
        const err = 'error' in ctx.result ? ctx.result.error : undefined;
        const asked = err instanceof GeminiFailure ? err.retryAfterSeconds : undefined;
        if (asked !== undefined) return asked * 1000;
        const exp = budget.initialDelayMs * 2 ** (ctx.attempt - 1);
        // Half fixed, half random: spread retries of concurrent callers without ever retrying at once.
        return Math.min(budget.maxDelayMs, exp / 2 + Math.random() * (exp / 2));
      }),
    },
  );
}
