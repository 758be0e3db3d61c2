import { PerformanceObserver } from 'node:perf_hooks';

/** The app thread's garbage-collection pauses (the load generator and the index worker collect on their own). */
export class GcPauses {
  private readonly pauses: Array<{ at: number; ms: number }> = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.pauses.push({ at: entry.startTime, ms: entry.duration });
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  between(from: number, to: number): { total: number; max: number } {
    const inside = this.pauses.filter((p) => p.at >= from && p.at < to);
    return { total: inside.reduce((sum, p) => sum + p.ms, 0), max: Math.max(0, ...inside.map((p) => p.ms)) };
  }

  stop(): void {
    this.observer.disconnect();
  }
}
