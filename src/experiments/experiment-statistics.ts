import { jStat } from 'jstat';

/** Two-sided 95 %: the normal quantile at 0.975 (1.959964…). */
const Z95 = jStat.normal.inv(0.975, 0, 1);

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for conversions/exposed; null without exposures. */
export function wilsonInterval(conversions: number, exposed: number, z = Z95): Interval | null {
  if (exposed <= 0) return null;
  const p = conversions / exposed;
  const z2 = z * z;
  const denominator = 1 + z2 / exposed;
  const centre = (p + z2 / (2 * exposed)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / exposed + z2 / (4 * exposed * exposed));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval (his method 10, 1998) for the difference of two independent proportions
 * p_b − p_a, built from the two Wilson intervals: unlike the normal approximation it stays inside [−1, 1] and keeps
 * its coverage at small counts and rates near 0 or 1.
 */
export function newcombeDifference(
  variant: { conversions: number; exposed: number },
  control: { conversions: number; exposed: number },
): { difference: number; interval: Interval } | null {
  const b = wilsonInterval(variant.conversions, variant.exposed);
  const a = wilsonInterval(control.conversions, control.exposed);
  if (!a || !b) return null;
  const pb = variant.conversions / variant.exposed;
  const pa = control.conversions / control.exposed;
  const d = pb - pa;
  return {
    difference: d,
    interval: {
      low: d - Math.sqrt((pb - b.low) ** 2 + (a.high - pa) ** 2),
      high: d + Math.sqrt((b.high - pb) ** 2 + (pa - a.low) ** 2),
    },
  };
}

const SIMPSON_STEPS = 4000;

/**
 * P(θ_b > θ_a) for independent Beta(1 + conversions, 1 + failures) posteriors (uniform Beta(1,1) priors): the
 * integral of f_b(x)·F_a(x) over x by Simpson's rule. Deterministic; the range is cut to ±12 posterior standard
 * deviations of θ_b, outside of which its density is below double precision.
 */
export function probabilityToBeat(
  variant: { conversions: number; exposed: number },
  control: { conversions: number; exposed: number },
): number {
  const ab = 1 + variant.conversions;
  const bb = 1 + variant.exposed - variant.conversions;
  const aa = 1 + control.conversions;
  const ba = 1 + control.exposed - control.conversions;
  const mean = ab / (ab + bb);
  const sd = Math.sqrt((ab * bb) / ((ab + bb) ** 2 * (ab + bb + 1)));
  const from = Math.max(0, mean - 12 * sd);
  const to = Math.min(1, mean + 12 * sd);
  const h = (to - from) / SIMPSON_STEPS;
  const f = (x: number) => jStat.beta.pdf(x, ab, bb) * jStat.beta.cdf(x, aa, ba);
  let sum = f(from) + f(to);
  for (let i = 1; i < SIMPSON_STEPS; i++) sum += (i % 2 ? 4 : 2) * f(from + i * h);
  return Math.min(1, Math.max(0, (sum * h) / 3));
}

/**
 * Sample-ratio mismatch: Pearson's chi-square of the exposed counts against the configured weights (k − 1 degrees
 * of freedom). A p-value under 0.001 means assignment or exposure logging is broken, and the results cannot be
 * trusted, whatever they say.
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  threshold = 0.001,
): { chiSquare: number; degreesOfFreedom: number; pValue: number | null; mismatch: boolean } {
  const total = observed.reduce((s, n) => s + n, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const degreesOfFreedom = observed.length - 1;
  if (total === 0) return { chiSquare: 0, degreesOfFreedom, pValue: null, mismatch: false };
  const chiSquare = observed.reduce((s, n, i) => {
    const expected = (total * weights[i]) / weightSum;
    return s + (n - expected) ** 2 / expected;
  }, 0);
  const pValue = 1 - jStat.chisquare.cdf(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < threshold };
}
