import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Lets a long loop on the event loop give way every `sliceMs`: call `await slice.yieldIfDue()` between two items. While
 * the slice lasts it resolves at once; once the slice is used up it resolves after the I/O and timers already waiting
 * (a chat turn, a call's audio frame) have run, and a new slice starts.
 */
export class TimeSlice {
  private start = performance.now();

  constructor(private readonly sliceMs: number) {}

  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.start < this.sliceMs) return;
    await nextTurn();
    this.start = performance.now();
  }
}
