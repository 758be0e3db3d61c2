import { StreamingResampler } from 'src/voice/audio/streaming-resampler';
import { sineTone } from 'src/voice/audio/tone';
import { concatInt16, rms, toneSnrDb, zeroCrossingFrequency } from 'test/voice/support/signal-analysis';

/** Feeds `input` in consecutive pieces of the given sizes (cycled) and joins the output. */
function feedInPieces(r: StreamingResampler, input: Int16Array, sizes: number[]): Int16Array {
  const parts: Int16Array[] = [];
  for (let i = 0, o = 0; o < input.length; i++) {
    const n = sizes[i % sizes.length];
    parts.push(r.process(input.subarray(o, o + n)));
    o += n;
  }
  return concatInt16(parts);
}

/** Skips the filter's start-up transient so measurements see the steady state. */
const steady = (x: Int16Array, skip: number) => x.subarray(skip, x.length - skip);

describe(StreamingResampler.name, () => {
  // Bounds: a 16-bit path through a 60 dB Kaiser design must stay well above 50 dB for an in-band tone.
  const SNR_BOUND_DB = 50;

  it.each([
    [8000, 16000, 1000],
    [8000, 16000, 3000],
    [24000, 8000, 440],
    [24000, 8000, 2500],
  ])('keeps a %i Hz → %i Hz tone of %i Hz at its frequency with SNR above 50 dB', (inRate, outRate, freq) => {
    const sut = new StreamingResampler(inRate, outRate);
    const out = sut.process(sineTone({ freq, rate: inRate, ms: 500 }));
    expect(out.length).toBe((outRate * 500) / 1000);
    const body = steady(out, 200);
    expect(zeroCrossingFrequency(body, outRate)).toBeCloseTo(freq, 0);
    expect(toneSnrDb(body, outRate, freq)).toBeGreaterThan(SNR_BOUND_DB);
    expect(rms(body) / rms(sineTone({ freq, rate: outRate, ms: 500 }))).toBeGreaterThan(0.97);
  });

  it('gives identical output whether the stream is fed whole or in arbitrary pieces', () => {
    const input = concatInt16([
      sineTone({ freq: 700, rate: 24000, ms: 300 }),
      sineTone({ freq: 1900, rate: 24000, ms: 300 }),
    ]);
    const whole = new StreamingResampler(24000, 8000).process(input);
    const pieces = feedInPieces(new StreamingResampler(24000, 8000), input, [1, 479, 7, 960, 0, 333, 2]);
    expect(Buffer.from(pieces.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });

  it('gives identical output for 20 ms frames and one block when upsampling caller audio', () => {
    const input = sineTone({ freq: 1200, rate: 8000, ms: 400 });
    const whole = new StreamingResampler(8000, 16000).process(input);
    const frames = feedInPieces(new StreamingResampler(8000, 16000), input, [160]);
    expect(Array.from(frames)).toEqual(Array.from(whole));
  });

  it('has no discontinuity at frame edges: the largest sample step stays that of the tone', () => {
    const input = sineTone({ freq: 1000, rate: 24000, ms: 400, amplitude: 10000 });
    const out = steady(feedInPieces(new StreamingResampler(24000, 8000), input, [480, 37, 480]), 100);
    let maxStep = 0;
    for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i] - out[i - 1]));
    // A 1 kHz tone at 8 kHz moves at most 2·A·sin(π·1000/8000) ≈ 0.765·A per sample.
    expect(maxStep).toBeLessThan(10000 * 0.78);
  });

  it('rejects content above the output Nyquist rate instead of aliasing it into the band', () => {
    const sut = new StreamingResampler(24000, 8000);
    // 6 kHz would fold to 2 kHz at 8 kHz without the anti-alias filter.
    const out = steady(sut.process(sineTone({ freq: 6000, rate: 24000, ms: 500, amplitude: 16000 })), 100);
    expect(20 * Math.log10(rms(out) / (16000 / Math.SQRT2))).toBeLessThan(-50);
  });

  it('returns nothing for an empty chunk and keeps its phase for the next one', () => {
    const sut = new StreamingResampler(24000, 8000);
    expect(sut.process(new Int16Array(1)).length).toBe(1);
    expect(sut.process(new Int16Array(0)).length).toBe(0);
    expect(sut.process(new Int16Array(2)).length).toBe(0);
    expect(sut.process(new Int16Array(3)).length).toBe(1);
  });
});
