import { createHash } from 'node:crypto';

import { experimentsOf } from 'src/experiments/experiment-config';
import type {
  Experiment,
  ExperimentAssignment,
  ExperimentVariant,
  OverrideField,
} from 'src/experiments/experiments.types';
import { type CtaTree, normalizeCtaTree } from 'src/tenant/cta-tree';
import type { TenantConfig } from 'src/tenant/tenant-config';

/**
 * A point in [0, 1) fixed by tenant, experiment and session: the same session always lands on the same variant, on
 * every instance and after restarts, with nothing stored. 48 bits of SHA-256 are plenty for a uniform draw.
 */
export function bucketOf(businessId: string, experimentId: string, sessionId: string): number {
  const digest = createHash('sha256').update(`${businessId}\u0000${experimentId}\u0000${sessionId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant whose share of the total weight holds the session's point. */
export function pickVariant(variants: readonly ExperimentVariant[], point: number): ExperimentVariant {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let edge = 0;
  for (const variant of variants) {
    edge += variant.weight / total;
    if (point < edge) return variant;
  }
  return variants[variants.length - 1];
}

export const runningExperiments = (business: TenantConfig): Experiment[] =>
  experimentsOf(business.experiments).filter((e) => e.status === 'running');

export function assignVariants(business: TenantConfig, sessionId: string): ExperimentAssignment[] {
  return runningExperiments(business).map((e) => ({
    experimentId: e.id,
    variantId: pickVariant(e.variants, bucketOf(business.businessId, e.id, sessionId)).id,
  }));
}

/**
 * The business config a session in these variants sees. A `profile` override applies that prompt profile's fields
 * as if they were the business's own. Experiments are listed with no overlap in what they override (checked on
 * save), so the order they apply in does not matter.
 */
export function applyOverrides(
  business: TenantConfig,
  overrides: readonly Partial<Record<OverrideField, unknown>>[],
): TenantConfig {
  const changed: Record<string, unknown> = {};
  for (const o of overrides) {
    if (typeof o.profile === 'string') {
      const profile = business.profiles?.[o.profile];
      for (const key of ['systemPrompt', 'personality', 'primaryGoal'] as const)
        if (profile?.[key] !== undefined) changed[key] = profile[key];
    }
    for (const key of ['greetingMessage', 'systemPrompt', 'personality', 'primaryGoal', 'rules', 'flows'] as const)
      if (o[key] !== undefined) changed[key] = o[key];
    if (o.ctaTree !== undefined) changed.ctaTree = normalizeCtaTree(o.ctaTree as CtaTree);
  }
  return Object.freeze({ ...business, ...changed }) as TenantConfig;
}

/** The fields a variant replaces, so callers with their own precedence (voice's greeting) can tell. */
export function overriddenFields(overrides: readonly Partial<Record<OverrideField, unknown>>[]): Set<OverrideField> {
  return new Set(overrides.flatMap((o) => Object.keys(o) as OverrideField[]));
}
