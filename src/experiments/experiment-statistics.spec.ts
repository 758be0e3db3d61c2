import {
  newcombeDifference,
  probabilityToBeat,
  sampleRatioMismatch,
  wilsonInterval,
} from 'src/experiments/experiment-statistics';

// Expected values come from outside this code: Wilson and Newcombe from Newcombe (1998), "Interval estimation for
// the difference between independent proportions", Stat Med 17:873–890 (example (a), method 10); the posterior
// probabilities from Evan Miller's closed form Σ B(αa+i, βa+βb) / ((βb+i) B(1+i, βb) B(αa, βa)) evaluated with
// scipy.special.betaln; the chi-square p-values from scipy.stats.chisquare.
/** Published values are rounded to 4 decimals. */
const expectWithin = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-4);

describe('experiment statistics', () => {
  it('gives the Wilson 95 % interval of 45/100 as [0.3561, 0.5475]', () => {
    const i = wilsonInterval(45, 100)!;
    expectWithin(i.low, 0.3561);
    expectWithin(i.high, 0.5475);
  });

  it('keeps the Wilson interval inside [0, 1] at zero conversions (0/10 → [0, 0.2775])', () => {
    const i = wilsonInterval(0, 10)!;
    expect(i.low).toBe(0);
    expectWithin(i.high, 0.2775);
  });

  it('has no interval without exposures', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(newcombeDifference({ conversions: 0, exposed: 0 }, { conversions: 1, exposed: 2 })).toBeNull();
  });

  it("matches Newcombe's hybrid score interval for 56/70 − 48/80 (0.0524 to 0.3339)", () => {
    const d = newcombeDifference({ conversions: 56, exposed: 70 }, { conversions: 48, exposed: 80 })!;
    expect(d.difference).toBeCloseTo(0.2, 10);
    expectWithin(d.interval.low, 0.0524);
    expectWithin(d.interval.high, 0.3339);
  });

  it.each([
    [60, 200, 45, 200, 0.9553681732512691],
    [12, 100, 20, 100, 0.06350005397815933],
    [5200, 100000, 5000, 100000, 0.9789617176415117],
  ])('gives P(variant beats control) for %i/%i vs %i/%i as the closed form does', (cb, nb, ca, na, expected) => {
    expect(probabilityToBeat({ conversions: cb, exposed: nb }, { conversions: ca, exposed: na })).toBeCloseTo(
      expected,
      7,
    );
  });

  it('is even odds between identical arms, and deterministic', () => {
    const arm = { conversions: 30, exposed: 100 };
    expect(probabilityToBeat(arm, arm)).toBeCloseTo(0.5, 7);
    expect(probabilityToBeat(arm, { conversions: 20, exposed: 90 })).toBe(
      probabilityToBeat(arm, { conversions: 20, exposed: 90 }),
    );
  });

  it('passes a split close to the weights and flags one far from them (p < 0.001)', () => {
    const fair = sampleRatioMismatch([480, 520], [1, 1]);
    expect(fair.chiSquare).toBeCloseTo(1.6, 10);
    expect(fair.pValue).toBeCloseTo(0.20590321073206466, 8);
    expect(fair.mismatch).toBe(false);
    const broken = sampleRatioMismatch([600, 400], [1, 1]);
    expect(broken.chiSquare).toBeCloseTo(40, 10);
    expect(broken.pValue!).toBeCloseTo(2.5396285894708634e-10, 15);
    expect(broken.mismatch).toBe(true);
    expect(sampleRatioMismatch([330, 340, 330], [1, 1, 1]).pValue).toBeCloseTo(0.9048374180359595, 8);
  });

  it('weighs the expected counts by the configured weights', () => {
    // 75/25 is exactly what weights 3:1 ask for, and far from what 1:1 asks for.
    expect(sampleRatioMismatch([750, 250], [3, 1]).chiSquare).toBe(0);
    expect(sampleRatioMismatch([750, 250], [1, 1]).mismatch).toBe(true);
  });

  it('has no p-value before anyone is exposed', () => {
    expect(sampleRatioMismatch([0, 0], [1, 1])).toMatchObject({ pValue: null, mismatch: false });
  });
});
