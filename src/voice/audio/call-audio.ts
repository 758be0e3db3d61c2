import { FramePacker } from 'src/voice/audio/frame-packer';
import { decodeMulaw, encodeMulaw, pcm16FromBytes, pcm16ToBytes } from 'src/voice/audio/mulaw-codec';
import { StreamingResampler } from 'src/voice/audio/streaming-resampler';

export const TWILIO_RATE = 8000;
/** Gemini Live takes 16 kHz PCM16 in and speaks 24 kHz PCM16 out. */
export const GEMINI_INPUT_RATE = 16000;
export const GEMINI_OUTPUT_RATE = 24000;
export const GEMINI_INPUT_MIME = `audio/pcm;rate=${GEMINI_INPUT_RATE}`;

/** Caller → model: μ-law 8 kHz frames to PCM16 16 kHz little-endian bytes. */
export class InboundAudio {
  private readonly resampler = new StreamingResampler(TWILIO_RATE, GEMINI_INPUT_RATE, { tapsPerPhase: 24 });

  process(mulawFrame: Uint8Array): Buffer {
    return pcm16ToBytes(this.resampler.process(decodeMulaw(mulawFrame)));
  }
}

/** Model → caller: PCM16 24 kHz bytes to 20 ms μ-law frames, with state kept across chunks. */
export class OutboundAudio {
  private readonly resampler = new StreamingResampler(GEMINI_OUTPUT_RATE, TWILIO_RATE, { tapsPerPhase: 72 });
  private readonly packer = new FramePacker();
  /** A PCM chunk may split a sample across messages; the odd byte waits for the next one. */
  private carry: Buffer | null = null;

  process(pcmBytes: Buffer): Buffer[] {
    let bytes = this.carry ? Buffer.concat([this.carry, pcmBytes]) : pcmBytes;
    this.carry = null;
    if (bytes.length % 2) {
      this.carry = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    return this.packer.push(encodeMulaw(this.resampler.process(pcm16FromBytes(bytes))));
  }

  /** End of a model turn: pad the last partial frame with silence so it is played. */
  flush(): Buffer[] {
    return this.packer.flush();
  }

  /** Barge-in: drop anything buffered and the filter's memory of the interrupted speech. */
  clear(): void {
    this.carry = null;
    this.packer.clear();
    this.resampler.reset();
  }
}
