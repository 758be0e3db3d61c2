import { designLowPass } from 'src/voice/audio/fir-design';

export interface ResamplerOptions {
  /** Taps per polyphase branch; more taps → narrower transition band, more CPU. */
  tapsPerPhase?: number;
  /** Low-pass -6 dB point in Hz; defaults to 0.5 × the lower Nyquist rate minus a guard band. */
  cutoffHz?: number;
  /** Kaiser beta (5.65 ≈ 60 dB of alias rejection). */
  beta?: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Rational L/M polyphase FIR resampler for PCM16 mono that keeps its filter history and output phase between
 * calls, so a stream cut into frames of any size (or paused) gives exactly the same samples as the whole
 * stream fed at once: no clicks at frame edges. One instance per direction per call; never shared.
 */
export class StreamingResampler {
  readonly up: number;
  readonly down: number;
  private readonly phases: Float32Array[];
  private readonly tapsPerPhase: number;
  /** The last `tapsPerPhase - 1` input samples, oldest first. */
  private history: Float32Array;
  private work = new Float32Array(0);
  /** Next output's position in upsampled units, relative to the first sample of the next input chunk. */
  private nextT = 0;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    options: ResamplerOptions = {},
  ) {
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    this.tapsPerPhase = options.tapsPerPhase ?? 32;
    const lowerNyquist = Math.min(inRate, outRate) / 2;
    const numTaps = this.tapsPerPhase * this.up;
    const h = designLowPass({
      sampleRate: inRate * this.up,
      cutoffHz: options.cutoffHz ?? lowerNyquist * 0.92,
      numTaps,
      beta: options.beta ?? 5.65,
      gain: this.up,
    });
    // Branch p holds h[p], h[p+L], h[p+2L]…; output at upsampled time t uses branch t mod L on x[t div L - j].
    this.phases = Array.from({ length: this.up }, (_, p) => {
      const branch = new Float32Array(this.tapsPerPhase);
      for (let j = 0; j < this.tapsPerPhase; j++) branch[j] = h[j * this.up + p] ?? 0;
      return branch;
    });
    this.history = new Float32Array(this.tapsPerPhase - 1);
  }

  /** Samples of delay the linear-phase filter adds, in output samples. */
  get delayOutputSamples(): number {
    return (this.tapsPerPhase * this.up - 1) / 2 / this.down;
  }

  process(input: Int16Array): Int16Array {
    const hist = this.history.length;
    const total = hist + input.length;
    if (this.work.length < total) this.work = new Float32Array(total);
    const x = this.work;
    x.set(this.history, 0);
    for (let i = 0; i < input.length; i++) x[hist + i] = input[i];

    const L = this.up;
    const M = this.down;
    let t = hist * L + this.nextT;
    const end = total * L;
    const count = t < end ? Math.ceil((end - t) / M) : 0;
    const out = new Int16Array(count);
    const taps = this.tapsPerPhase;
    for (let n = 0; n < count; n++, t += M) {
      const k = Math.floor(t / L);
      const branch = this.phases[t - k * L];
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += branch[j] * x[k - j];
      const s = Math.round(acc);
      out[n] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
    this.nextT = t - total * L;
    this.history = x.slice(total - hist, total);
    return out;
  }

  /** Forget the signal (e.g. after a barge-in flush) so stale audio cannot ring into the next turn. */
  reset(): void {
    this.history.fill(0);
    this.nextT = 0;
  }
}
