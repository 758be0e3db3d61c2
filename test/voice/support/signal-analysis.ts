/** Frequency from rising zero crossings, interpolated between samples; good for clean tones. */
export function zeroCrossingFrequency(samples: Int16Array, rate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a < 0 && b >= 0) crossings.push(i - 1 + -a / (b - a));
  }
  if (crossings.length < 2) return 0;
  return ((crossings.length - 1) * rate) / (crossings[crossings.length - 1] - crossings[0]);
}

/**
 * SNR in dB of a tone of known frequency: least-squares fit of a·sin + b·cos + c, then power of the fit over
 * power of the residual (noise, distortion, aliasing all count as noise).
 */
export function toneSnrDb(samples: Int16Array, rate: number, freq: number): number {
  const n = samples.length;
  let ss = 0,
    cc = 0,
    sc = 0,
    sy = 0,
    cy = 0,
    s1 = 0,
    c1 = 0,
    y1 = 0;
  for (let i = 0; i < n; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    const s = Math.sin(w),
      c = Math.cos(w),
      y = samples[i];
    ss += s * s;
    cc += c * c;
    sc += s * c;
    sy += s * y;
    cy += c * y;
    s1 += s;
    c1 += c;
    y1 += y;
  }
  // Solve the 3×3 normal equations by Cramer's rule.
  const m = [
    [ss, sc, s1],
    [sc, cc, c1],
    [s1, c1, n],
  ];
  const r = [sy, cy, y1];
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
    a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
    a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  const col = (k: number) => m.map((row, i) => row.map((v, j) => (j === k ? r[i] : v)));
  const [a, b, c] = [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
  let sig = 0,
    noise = 0;
  for (let i = 0; i < n; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    const fit = a * Math.sin(w) + b * Math.cos(w) + c;
    sig += fit * fit;
    noise += (samples[i] - fit) ** 2;
  }
  return 10 * Math.log10(sig / Math.max(noise, 1e-9));
}

export function rms(samples: Int16Array): number {
  let acc = 0;
  for (const s of samples) acc += s * s;
  return Math.sqrt(acc / Math.max(samples.length, 1));
}

export function concatInt16(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
