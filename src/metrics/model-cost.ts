import type { TokenUsage } from 'src/common/metrics/metrics.port';

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/**
 * List prices of the models the platform calls (Google AI Studio paid tier, standard context, USD per 1 M tokens,
 * as published for Gemini API pricing). An estimate for dashboards, not a bill: it ignores free tiers, cached-input
 * discounts and long-context surcharges. The README's "Metrics and error reporting" section prints this table.
 * Longest prefix wins, so dated previews (`gemini-2.5-flash-preview-…`) price as their family.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
};

const BY_LENGTH = Object.keys(MODEL_PRICES).sort((a, b) => b.length - a.length);

/** The price of `model`, or null when it is not in the table (its calls then add no cost). */
export function priceOf(model: string): ModelPrice | null {
  const key = BY_LENGTH.find((prefix) => model === prefix || model.startsWith(`${prefix}-`));
  return key ? MODEL_PRICES[key] : null;
}

/** Estimated cost in US dollars; 0 for the offline provider and for models without a price. */
export function estimateCostUsd(provider: string, model: string, usage: TokenUsage): number {
  if (provider === 'offline') return 0;
  const price = priceOf(model);
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
