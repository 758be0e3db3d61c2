import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Nice value of a background worker thread (the vector index builds). A 100k-vector build is minutes of native
 * inserts on one core; on a 2-core machine it competes with the event loop for the CPU, and whenever the scheduler
 * runs the build instead of the loop, requests and live audio frames wait. At 19 a runnable event loop always goes
 * first, while a build beside an idle core still runs at full speed. The price is paid only under saturation: then a
 * build crawls, and searches use keyword retrieval meanwhile (an index is a cache of Postgres; requests are not).
 */
export const BACKGROUND_NICE = 19;

/**
 * Lowers the calling thread's scheduling priority (not the process's). Linux keeps a nice value per thread, and
 * setpriority() with a thread id changes that thread alone; Node's os.setPriority passes the id through, and the id of
 * the calling thread is the last part of /proc/thread-self. Elsewhere it does nothing and says so.
 */
export function lowerThisThreadPriority(nice = BACKGROUND_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    // No /proc (a locked-down sandbox) or a policy that forbids it: the worker still works, at normal priority.
    return false;
  }
}
