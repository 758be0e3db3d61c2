/**
 * An abort signal that fires after `ms` without progress (restartable with `extend`, for streams whose silence is
 * bounded rather than their length) or as soon as the parent signal aborts. `timedOut` tells a deadline abort from
 * a caller's cancellation, which callers report differently.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expired = false;
  private readonly onParentAbort = () => this.controller.abort();

  constructor(
    readonly ms: number,
    private readonly parent?: AbortSignal,
  ) {
    if (parent?.aborted) this.controller.abort();
    parent?.addEventListener('abort', this.onParentAbort, { once: true });
    this.extend();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.expired;
  }

  extend(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.ms);
  }

  /** Aborts the work without counting as a timeout (the consumer left early). */
  cancel(): void {
    this.controller.abort();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/**
 * Settles with `work`, or after `ms` with what `onTimeout` returns (or throws). A function `work` receives an abort
 * signal that fires at the deadline (and when `parent` aborts), so a callee that accepts one stops its I/O instead
 * of finishing unobserved. A late result or rejection of `work` is ignored, never left unhandled.
 */
export async function withDeadline<T, F = T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  ms: number,
  onTimeout: () => F,
  parent?: AbortSignal,
): Promise<T | F> {
  const deadline = new Deadline(ms, parent);
  const running = typeof work === 'function' ? work(deadline.signal) : work;
  running.catch(() => undefined);
  let onAbort: (() => void) | undefined;
  const expired = new Promise<typeof EXPIRED>((resolve) => {
    onAbort = () => resolve(EXPIRED);
    deadline.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([running, expired]);
    if (outcome !== EXPIRED) return outcome;
    if (deadline.timedOut) return onTimeout();
    throw abortReason(parent);
  } finally {
    deadline.signal.removeEventListener('abort', onAbort!);
    deadline.dispose();
  }
}

const EXPIRED = Symbol('deadline expired');

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
