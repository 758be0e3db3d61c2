import { ApiError } from '@google/genai';

import {
  classifyGeminiError,
  GeminiFailure,
  googleErrorMessage,
  liveCloseFailure,
  retryDelaySeconds,
} from 'src/gemini/gemini-failure';

const apiError = (status: number, message = `{"error":{"code":${status},"message":"boom"}}`) =>
  new ApiError({ status, message });

describe(classifyGeminiError.name, () => {
  it.each([
    [429, 'rate_limited', true],
    [408, 'unavailable', true],
    [500, 'unavailable', true],
    [503, 'unavailable', true],
    [400, 'rejected', false],
    [403, 'rejected', false],
    [404, 'rejected', false],
  ])('classifies HTTP %i as %s (outage: %s)', (status, reason, outage) => {
    const failure = classifyGeminiError(apiError(status));

    expect([failure.reason, failure.outage, failure.status]).toEqual([reason, outage, status]);
  });

  it('classifies a network error as an unavailable service before a stream starts and as an interruption after', () => {
    const reset = new TypeError('fetch failed');

    expect(classifyGeminiError(reset).reason).toBe('unavailable');
    expect(classifyGeminiError(reset, { phase: 'stream' }).reason).toBe('interrupted');
  });

  it('tells a caller cancellation (no outage) from a deadline (an outage)', () => {
    const aborted = new DOMException('aborted', 'AbortError');

    const cancelled = classifyGeminiError(aborted, { cancelled: true, timedOut: true });
    const timedOut = classifyGeminiError(aborted, { timedOut: true, timeoutMs: 300 });

    expect([cancelled.reason, cancelled.outage]).toEqual(['cancelled', false]);
    expect([timedOut.reason, timedOut.outage, timedOut.message]).toEqual([
      'timeout',
      true,
      'Gemini did not answer within 300 ms',
    ]);
  });

  it('carries the RetryInfo wait of a 429, which decides whether a retry budget can afford it', () => {
    const body = JSON.stringify({ error: { code: 429, details: [{ retryDelay: '3s' }] } });

    const failure = classifyGeminiError(apiError(429, body));

    expect(failure.retryAfterSeconds).toBe(3);
    expect(failure.retryable(5_000)).toBe(true);
    expect(failure.retryable(2_000)).toBe(false);
  });

  it('treats a Live socket refused for a bad key or setup as a rejection, any other early close as an outage', () => {
    expect([liveCloseFailure(1007).outage, liveCloseFailure(1008).outage]).toEqual([false, false]);
    expect([liveCloseFailure(1011).outage, liveCloseFailure(1006).outage]).toEqual([true, true]);
    expect(liveCloseFailure(1011).message).toBe('Live model closed the connection (1011)');
  });

  it('passes an already classified failure through unchanged', () => {
    const failure = new GeminiFailure('paused', 'paused');

    expect(classifyGeminiError(failure, { cancelled: true })).toBe(failure);
  });

  it('reads the RetryInfo delay of a 429 body, rounding up', () => {
    const body = JSON.stringify({
      error: { code: 429, details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12.3s' }] },
    });
    expect(retryDelaySeconds(body)).toBe(13);
    expect(retryDelaySeconds('{"error":{"code":429}}')).toBeUndefined();
  });

  it("extracts Google's error message from the JSON body and bounds its length", () => {
    expect(
      googleErrorMessage('{"error":{"code":503,"message":"The model is \\"overloaded\\".","status":"UNAVAILABLE"}}'),
    ).toBe('The model is "overloaded".');
    expect(googleErrorMessage(`{"error":{"message":"${'x'.repeat(500)}"}}`)).toHaveLength(201);
  });
});
