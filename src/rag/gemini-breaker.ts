import { ApiError } from '@google/genai';
import { circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';

export interface BreakerOptions {
  /** Consecutive outage-like failures (after the SDK's own retries) that open the circuit. */
  breakerThreshold?: number;
  /** How long calls fail fast before one probe is let through. */
  breakerHalfOpenAfterMs?: number;
}

/**
 * Outages, not bad requests: timeouts and network errors (no HTTP status), 408, 429 and 5xx. A 400 for one odd input
 * says nothing about the service and must not pause everyone's calls.
 */
export function isGeminiOutage(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/** One breaker per client: after repeated outages, calls fail at once instead of each waiting out its retries. */
export function geminiBreaker(options: BreakerOptions) {
  return circuitBreaker(handleWhen(isGeminiOutage), {
    halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000,
    breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
  });
}
