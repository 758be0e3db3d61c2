import { Deadline, withDeadline } from 'src/common/deadline/deadline';

/** A promise the test settles by hand. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe(withDeadline.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('returns the result of work that finishes in time', async () => {
    await expect(withDeadline(Promise.resolve('answer'), 1000, () => 'late')).resolves.toBe('answer');
  });

  it('passes on the rejection of work that fails in time', async () => {
    await expect(withDeadline(Promise.reject(new Error('boom')), 1000, () => 'late')).rejects.toThrow('boom');
  });

  it('answers with the onTimeout value once the deadline passes', async () => {
    const work = pending<string>();
    const result = withDeadline(work.promise, 1000, () => 'fallback');

    await jest.advanceTimersByTimeAsync(1000);

    await expect(result).resolves.toBe('fallback');
  });

  it('rejects with what onTimeout throws, and ignores the late rejection of the work', async () => {
    const work = pending<string>();
    const result = withDeadline(work.promise, 50, () => {
      throw new Error('did not answer within 50 ms');
    });
    const settled = expect(result).rejects.toThrow('did not answer within 50 ms');

    await jest.advanceTimersByTimeAsync(50);
    await settled;
    work.reject(new Error('late failure'));
  });

  it('aborts the signal it gave the work when the deadline passes', async () => {
    let seen: AbortSignal | undefined;
    const result = withDeadline(
      (signal) => {
        seen = signal;
        return new Promise<string>(() => undefined);
      },
      200,
      () => null,
    );

    await jest.advanceTimersByTimeAsync(200);

    await expect(result).resolves.toBeNull();
    expect(seen?.aborted).toBe(true);
  });

  it('rejects with the parent reason, not the timeout answer, when the caller cancels first', async () => {
    const parent = new AbortController();
    const result = withDeadline(
      (signal) => new Promise<string>(() => signal),
      1000,
      () => 'fallback',
      parent.signal,
    );

    parent.abort(new Error('client went away'));

    await expect(result).rejects.toThrow('client went away');
  });
});

describe(Deadline.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('restarts its countdown on extend, so only silence longer than ms times out', async () => {
    const sut = new Deadline(100);
    await jest.advanceTimersByTimeAsync(80);
    sut.extend();
    await jest.advanceTimersByTimeAsync(80);
    expect(sut.signal.aborted).toBe(false);

    await jest.advanceTimersByTimeAsync(20);

    expect(sut.signal.aborted).toBe(true);
    expect(sut.timedOut).toBe(true);
    sut.dispose();
  });

  it('aborts without counting a timeout when the parent aborts or the consumer cancels', () => {
    const parent = new AbortController();
    const fromParent = new Deadline(100, parent.signal);
    const cancelled = new Deadline(100);

    parent.abort();
    cancelled.cancel();

    expect([fromParent.signal.aborted, fromParent.timedOut]).toEqual([true, false]);
    expect([cancelled.signal.aborted, cancelled.timedOut]).toEqual([true, false]);
    fromParent.dispose();
    cancelled.dispose();
  });
});
