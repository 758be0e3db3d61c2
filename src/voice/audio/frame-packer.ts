import { MULAW_SILENCE } from 'src/voice/audio/mulaw-codec';

/** 20 ms of 8 kHz μ-law: the frame size Twilio expects and plays without jitter. */
export const TWILIO_FRAME_BYTES = 160;

/**
 * Cuts an arbitrary stream of μ-law bytes into fixed frames, carrying the remainder to the next push.
 * `flush` pads the tail with silence so the end of a turn is not lost.
 */
export class FramePacker {
  private pending = Buffer.alloc(0);

  constructor(private readonly frameBytes = TWILIO_FRAME_BYTES) {}

  push(bytes: Uint8Array): Buffer[] {
    const all = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
    const frames: Buffer[] = [];
    let offset = 0;
    for (; offset + this.frameBytes <= all.length; offset += this.frameBytes) {
      frames.push(all.subarray(offset, offset + this.frameBytes));
    }
    this.pending = Buffer.from(all.subarray(offset));
    return frames;
  }

  flush(): Buffer[] {
    if (!this.pending.length) return [];
    const frame = Buffer.alloc(this.frameBytes, MULAW_SILENCE);
    this.pending.copy(frame);
    this.pending = Buffer.alloc(0);
    return [frame];
  }

  /** Barge-in: whatever was not yet framed must never reach the caller. */
  clear(): void {
    this.pending = Buffer.alloc(0);
  }

  get pendingBytes(): number {
    return this.pending.length;
  }
}
