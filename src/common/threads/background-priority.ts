import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Nice value of a background worker thread (the vector index builds), and its priority wherever SCHED_IDLE cannot be
 * set. A 100k-vector build is minutes of native inserts on one core; on a 2-core machine it competes with the event
 * loop for the CPU, and whenever the scheduler runs the build instead of the loop, requests and live audio frames
 * wait. The price is paid only under saturation: then a build crawls, and searches use keyword retrieval meanwhile
 * (an index is a cache of Postgres; requests are not).
 */
export const BACKGROUND_NICE = 19;

/** Linux's scheduling policy number for SCHED_IDLE (field 41 of /proc/<pid>/task/<tid>/stat). */
export const SCHED_IDLE_POLICY = 5;

/** How the calling thread was lowered: SCHED_IDLE, only niced, or not at all (another platform, or refused). */
export type BackgroundPriority = 'sched-idle' | 'nice' | 'unchanged';

/**
 * Lowers the calling thread's scheduling priority (not the process's), so a runnable event loop always goes first.
 *
 * Nice 19 alone was not enough: the index worker still took 67 % of a core during a rebuild under a `/health` load
 * and the event loop waited for a core 13–15 % of the time (3–5 % before the build). A thread of nice 19 weighs so
 * little that the load balancer leaves it on the event loop's core, and a waking loop waits out its slice. Under
 * SCHED_IDLE the kernel preempts the thread as soon as any normal thread wakes, and treats a core that runs only
 * such threads as free when placing one: the loop's wait during a build fell to ~7 %, and the build no longer added
 * to the loop's lag (bench:rag -- --under-load).
 *
 * Node has no call for scheduling policies, so util-linux's `chrt` sets it, once per worker thread. Linux keeps
 * the nice value and policy per thread; the id of the calling thread is the last part of /proc/thread-self.
 */
export function lowerThisThreadPriority(nice = BACKGROUND_NICE): BackgroundPriority {
  if (process.platform !== 'linux') return 'unchanged';
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return 'unchanged';
    setPriority(tid, nice);
  } catch {
    // No /proc (a locked-down sandbox) or a policy that forbids it: the worker still works, at normal priority.
    return 'unchanged';
  }
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 5_000 });
    return 'sched-idle';
  } catch {
    // No chrt (a minimal image) or the policy refused: nice alone still puts the loop first most of the time.
    return 'nice';
  }
}
