/**
 * Admission control for one socket, before parsing: text only, bounded size, bounded rate. Twilio sends 50 media
 * frames a second; the bucket allows bursts (network jitter delivers frames in clumps) but not floods.
 */
export class FrameGuard {
  private tokens: number;
  private last: number | null = null;

  constructor(
    private readonly maxBytes: number,
    private readonly maxPerSecond: number,
  ) {
    this.tokens = maxPerSecond;
  }

  /** Null when admitted, else the reason to close with a policy violation. */
  check(size: number, isBinary: boolean, now = Date.now()): string | null {
    if (isBinary) return 'binary frames are not accepted';
    if (size > this.maxBytes) return 'frame too large';
    const elapsed = this.last === null ? 0 : Math.max(0, now - this.last);
    this.tokens = Math.min(this.maxPerSecond, this.tokens + (elapsed / 1000) * this.maxPerSecond);
    this.last = now;
    if (this.tokens < 1) return 'frame rate limit exceeded';
    this.tokens -= 1;
    return null;
  }
}
