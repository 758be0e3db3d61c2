import { readFileSync } from 'node:fs';

export interface ThreadCpu {
  /** Time the calling thread ran on a CPU. */
  runMs: number;
  /** Time it was ready to run but waited for a CPU (other processes or threads held both cores). */
  waitMs: number;
}

/**
 * The calling thread's scheduler statistics (Linux `/proc/thread-self/schedstat`: ns on CPU, ns runnable but waiting,
 * time slices); null where the kernel does not provide them. On a 2-core machine that also runs Postgres, Redis, the
 * load generator and V8's GC helpers, the wait is where a saturated event loop loses time no profile of it shows.
 */
export function threadCpu(): ThreadCpu | null {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { runMs: run / 1e6, waitMs: wait / 1e6 } : null;
  } catch {
    return null;
  }
}
