/** Zeroth-order modified Bessel function of the first kind, by its power series (converges fast for Kaiser betas). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 50; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export interface LowPassSpec {
  /** Sample rate the filter runs at (for a polyphase resampler: the upsampled rate). */
  sampleRate: number;
  /** -6 dB point in Hz. */
  cutoffHz: number;
  numTaps: number;
  /** Kaiser beta: 5.65 ≈ 60 dB stop-band, 7.86 ≈ 80 dB. */
  beta: number;
  /** DC gain; a polyphase interpolator by L needs L to keep the level. */
  gain: number;
}

/** Windowed-sinc (Kaiser) low-pass FIR, linear phase, normalised to `gain` at DC. */
export function designLowPass(spec: LowPassSpec): Float64Array {
  const { sampleRate, cutoffHz, numTaps, beta, gain } = spec;
  const h = new Float64Array(numTaps);
  const fc = cutoffHz / sampleRate;
  const mid = (numTaps - 1) / 2;
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < numTaps; n++) {
    const x = n - mid;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const r = mid === 0 ? 0 : x / mid;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    h[n] = sinc * w;
    sum += h[n];
  }
  for (let n = 0; n < numTaps; n++) h[n] *= gain / sum;
  return h;
}
