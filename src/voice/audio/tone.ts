/** A sine tone as PCM16; used for the fallback chime and by the tests' simulated caller. */
export function sineTone(opts: {
  freq: number;
  rate: number;
  ms: number;
  amplitude?: number;
  phase?: number;
}): Int16Array {
  const n = Math.round((opts.rate * opts.ms) / 1000);
  const amp = opts.amplitude ?? 8000;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amp * Math.sin(2 * Math.PI * opts.freq * (i / opts.rate) + (opts.phase ?? 0)));
  return out;
}
