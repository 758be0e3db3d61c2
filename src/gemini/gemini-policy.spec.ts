import { GeminiFailure } from 'src/gemini/gemini-failure';
import { GeminiPolicy, GeminiRetryBudget } from 'src/gemini/gemini-policy';

const QUICK: GeminiRetryBudget = { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 };
const outage = () => new GeminiFailure('unavailable', 'Gemini 503: overloaded', 503);

/** An attempt that fails with the given errors in turn, then answers 'ok'; counts its calls. */
function attempts(...failures: Error[]) {
  const fn = jest.fn(() => {
    const next = failures.shift();
    return next ? Promise.reject(next) : Promise.resolve('ok');
  });
  return fn;
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GeminiFailure) return err.reason;
    throw err;
  }
  throw new Error('expected a GeminiFailure');
}

describe(GeminiPolicy.name, () => {
  it('retries an unavailable service within the budget and returns the eventual answer', async () => {
    const sut = new GeminiPolicy();
    const fn = attempts(outage(), outage());

    await expect(sut.execute(fn, { retry: QUICK })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('does not retry a rejected request', async () => {
    const sut = new GeminiPolicy();
    const fn = attempts(new GeminiFailure('rejected', 'Gemini rejected the request (400): bad', 400));

    expect(await reasonOf(sut.execute(fn, { retry: QUICK }))).toBe('rejected');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fails a rate limit at once when Google asks for a longer wait than the budget allows', async () => {
    const sut = new GeminiPolicy();
    const fn = attempts(new GeminiFailure('rate_limited', 'Gemini rate limit', 429, 60));

    expect(await reasonOf(sut.execute(fn, { retry: QUICK }))).toBe('rate_limited');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('classifies what an attempt throws, so consumers only ever see GeminiFailure', async () => {
    const sut = new GeminiPolicy();

    expect(await reasonOf(sut.execute(attempts(new TypeError('fetch failed'))))).toBe('unavailable');
  });

  it('pauses every caller of the policy after consecutive outages, without running their work', async () => {
    const sut = new GeminiPolicy({ breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    await reasonOf(sut.execute(attempts(outage())));
    await reasonOf(sut.execute(attempts(outage())));
    const otherConsumer = attempts();

    expect(await reasonOf(sut.execute(otherConsumer))).toBe('paused');
    expect(otherConsumer.mock.calls).toHaveLength(0);
  });

  it('counts one outage per call, after its retries', async () => {
    const sut = new GeminiPolicy({ breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });

    await expect(sut.execute(attempts(outage(), outage()), { retry: QUICK })).resolves.toBe('ok');
    await reasonOf(sut.execute(attempts(outage())));

    await expect(sut.execute(attempts())).resolves.toBe('ok');
  });

  it('does not count rejected requests or cancellations towards opening the circuit', async () => {
    const sut = new GeminiPolicy({ breakerThreshold: 1, breakerHalfOpenAfterMs: 60_000 });
    await reasonOf(sut.execute(attempts(new GeminiFailure('rejected', 'bad', 400))));
    await reasonOf(sut.execute(attempts(new GeminiFailure('cancelled', 'The request was cancelled'))));

    await expect(sut.execute(attempts())).resolves.toBe('ok');
  });

  it('reports a timeout when the per-attempt deadline of call() passes, and aborts the signal it gave', async () => {
    const sut = new GeminiPolicy();
    let seen: AbortSignal | undefined;
    const hang = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };

    const failure = sut.call(hang, { timeoutMs: 20 });

    expect(await reasonOf(failure)).toBe('timeout');
    expect(seen?.aborted).toBe(true);
  });

  it('reports a caller cancellation as cancelled, not as a timeout', async () => {
    const sut = new GeminiPolicy();
    const caller = new AbortController();
    const hang = (signal: AbortSignal) =>
      new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

    const failure = sut.call(hang, { timeoutMs: 60_000, signal: caller.signal });
    caller.abort();

    expect(await reasonOf(failure)).toBe('cancelled');
  });
});
