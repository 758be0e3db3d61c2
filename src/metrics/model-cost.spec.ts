import { estimateCostUsd, priceOf } from 'src/metrics/model-cost';

describe('model cost estimation', () => {
  it('prices input and output tokens per million', () => {
    // 1000 × 0.30 / 1e6 + 500 × 2.50 / 1e6
    expect(estimateCostUsd('gemini', 'gemini-2.5-flash', { inputTokens: 1000, outputTokens: 500 })).toBeCloseTo(
      0.00155,
      10,
    );
  });

  it('prices a dated preview as its family, preferring the longest matching name', () => {
    expect(priceOf('gemini-2.5-flash-preview-09-2025')).toEqual({ input: 0.3, output: 2.5 });
    expect(priceOf('gemini-2.5-flash-lite')).toEqual({ input: 0.1, output: 0.4 });
    expect(priceOf('gemini-2.5-flash-lite-preview-06-17')).toEqual({ input: 0.1, output: 0.4 });
  });

  it('does not mistake a longer model name for a shorter one without a dash boundary', () => {
    expect(priceOf('gemini-2.5-flashy')).toBeNull();
  });

  it('costs nothing for the offline provider or a model missing from the table', () => {
    expect(estimateCostUsd('offline', 'gemini-2.5-flash', { inputTokens: 1e6, outputTokens: 1e6 })).toBe(0);
    expect(estimateCostUsd('gemini', 'some-new-model', { inputTokens: 1e6, outputTokens: 1e6 })).toBe(0);
  });
});
