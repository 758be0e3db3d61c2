import { Injectable, OnModuleInit } from '@nestjs/common';

import type { ExperimentResultsDto } from 'src/experiments/dto/experiment-results.dto';
import {
  applyOverrides,
  assignVariants,
  overriddenFields,
  runningExperiments,
} from 'src/experiments/experiment-assignment';
import {
  controlOf,
  experimentShapeProblems,
  experimentsOf,
  lowerIsBetter,
  parseGoal,
} from 'src/experiments/experiment-config';
import { variantKey } from 'src/experiments/experiment-exposure';
import { ExperimentResultsRepository } from 'src/experiments/experiment-results.repository';
import {
  newcombeDifference,
  probabilityToBeat,
  sampleRatioMismatch,
  wilsonInterval,
} from 'src/experiments/experiment-statistics';
import { ExperimentsErrors } from 'src/experiments/experiments.errors';
import type {
  Experiment,
  ExperimentAssignment,
  ExperimentStatus,
  OverrideField,
} from 'src/experiments/experiments.types';
import { ctaTreeProblems } from 'src/tenant/cta-tree';
import { TenantService } from 'src/tenant/tenant.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { type ConfigProblem, TenantLifecycle, type TenantSaveHook } from 'src/tenant/tenant-lifecycle';

/** The config one session sees and the variants that made it so. */
export interface AssignedConfig {
  business: TenantConfig;
  assignments: ExperimentAssignment[];
  /** Fields the variants replaced (voice lets a variant's greeting win over the phone line's own). */
  overridden: ReadonlySet<OverrideField>;
}

const NEXT_STATUSES: Record<ExperimentStatus | 'new', readonly ExperimentStatus[]> = {
  new: ['draft', 'running'],
  draft: ['draft', 'running', 'stopped'],
  running: ['running', 'paused', 'stopped'],
  paused: ['paused', 'running', 'stopped'],
  stopped: ['stopped'],
};

const hasStarted = (e: Experiment) => e.status === 'running' || e.status === 'paused';

/**
 * A/B experiments of a business: checked and locked when the config is saved, applied to each session before its
 * turn runs (sticky, deterministic assignment), and read back as per-variant results with their statistics.
 */
@Injectable()
export class ExperimentsService implements OnModuleInit {
  /** One overridden config per cached tenant config and variant combination: callers cache per config object. */
  private readonly variantConfigs = new WeakMap<TenantConfig, Map<string, AssignedConfig>>();

  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly tenants: TenantService,
    private readonly results: ExperimentResultsRepository,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onValidate('experiments', (config) => this.problems(config));
    this.lifecycle.onSave('experiments', (next, previous) => lockStarted(next, previous, new Date()));
  }

  /** The config this session sees: the business's own, with the overrides of its variant in each running experiment. */
  assign(business: TenantConfig, sessionId: string): AssignedConfig {
    const assignments = assignVariants(business, sessionId);
    const key = variantKey(assignments);
    if (key === undefined) return { business, assignments, overridden: new Set() };
    let byKey = this.variantConfigs.get(business);
    if (!byKey) this.variantConfigs.set(business, (byKey = new Map()));
    const known = byKey.get(key);
    if (known) return known;
    const running = runningExperiments(business);
    const overrides = assignments.map(
      (a) => running.find((e) => e.id === a.experimentId)?.variants.find((v) => v.id === a.variantId)?.overrides ?? {},
    );
    const assigned = {
      business: applyOverrides(business, overrides),
      assignments,
      overridden: overriddenFields(overrides),
    };
    byKey.set(key, assigned);
    return assigned;
  }

  async experimentResults(businessId: string, experimentId: string): Promise<ExperimentResultsDto> {
    const business = await this.tenants.get(businessId);
    const experiment = experimentsOf(business.experiments).find((e) => e.id === experimentId);
    if (!experiment) throw ExperimentsErrors.notFound(experimentId);
    const goal = parseGoal(experiment.goal);
    if (!goal) throw ExperimentsErrors.notFound(experimentId);
    const rows = await this.results.countByVariant(businessId, experimentId, goal);
    const counts = experiment.variants.map((v) => {
      const row = rows.find((r) => r.variantId === v.id);
      return { id: v.id, weight: v.weight, exposed: row?.exposed ?? 0, conversions: row?.conversions ?? 0 };
    });
    const controlId = controlOf(experiment);
    const control = counts.find((c) => c.id === controlId)!;
    const lower = lowerIsBetter(experiment.goal);
    const srm = sampleRatioMismatch(
      counts.map((c) => c.exposed),
      counts.map((c) => c.weight),
    );
    return {
      experimentId,
      status: experiment.status,
      goal: experiment.goal,
      startedAt: experiment.startedAt ?? null,
      lowerIsBetter: lower,
      control: controlId,
      variants: counts.map((c) => {
        const interval = wilsonInterval(c.conversions, c.exposed);
        const isControl = c.id === controlId;
        const both = c.exposed > 0 && control.exposed > 0;
        const diff = isControl ? null : newcombeDifference(c, control);
        const beats = both && !isControl ? probabilityToBeat(c, control) : null;
        return {
          variantId: c.id,
          weight: c.weight,
          exposed: c.exposed,
          conversions: c.conversions,
          rate: c.exposed ? c.conversions / c.exposed : null,
          rateInterval: interval,
          differenceToControl: diff ? { difference: diff.difference, ...diff.interval } : null,
          probabilityToBeatControl: beats === null ? null : lower ? 1 - beats : beats,
        };
      }),
      sampleRatioMismatch: { ...srm, threshold: 0.001 },
      methods: {
        rateInterval: 'Wilson score, 95 %',
        differenceInterval: 'Newcombe hybrid score (method 10), 95 %',
        probabilityToBeatControl: 'Beta-Binomial posterior with a Beta(1,1) prior, by numeric integration',
        sampleRatioMismatch: 'Pearson chi-square against the configured weights; mismatch when p < 0.001',
      },
    };
  }

  /**
   * Shape first; then each variant's overrides are checked by the same validators as the business's own fields
   * (rules naming CTAs, flows, profiles), on the config as that variant's sessions would see it.
   */
  private problems(config: TenantConfig): ConfigProblem[] {
    const ctaIds = new Set(Object.keys(config.ctaTree ?? {}));
    const shape = experimentShapeProblems(config.experiments, ctaIds);
    if (shape.length) return shape.map((p) => ({ field: p.path, message: p.message }));
    const experiments = experimentsOf(config.experiments);
    // The variant checks below run every validator again on a config without experiments, this one included.
    if (!experiments.length) return [];
    const problems: ConfigProblem[] = [];
    const base = this.lifecycle.validate({ ...config, experiments: [] });
    const known = new Set(base.map((p) => `${p.field}\u0000${p.message}`));
    experiments.forEach((e, i) =>
      e.variants.forEach((v, j) => {
        const at = `experiments[${i}].variants[${j}].overrides`;
        const overrides = v.overrides ?? {};
        if (!Object.keys(overrides).length) return;
        if (typeof overrides.profile === 'string' && !config.profiles?.[overrides.profile])
          problems.push({ field: `${at}.profile`, message: `profile "${overrides.profile}" is not in profiles` });
        if (overrides.ctaTree !== undefined)
          for (const p of ctaTreeProblems(overrides.ctaTree))
            problems.push({ field: `${at}.${p.path}`, message: p.message });
        if (problems.length) return;
        const variantConfig = { ...applyOverrides(config, [overrides]), experiments: [] };
        for (const p of this.lifecycle.validate(variantConfig)) {
          if (known.has(`${p.field}\u0000${p.message}`)) continue;
          const own = Object.keys(overrides).some(
            (k) => p.field === k || p.field.startsWith(`${k}[`) || p.field.startsWith(`${k}.`),
          );
          problems.push(
            own
              ? { field: `${at}.${p.field}`, message: p.message }
              : { field: at, message: `with this variant, ${p.field}: ${p.message}` },
          );
        }
      }),
    );
    // Two running experiments replacing the same field would each claim the change: refused.
    const claimed = new Map<string, string>();
    experiments.forEach((e, i) => {
      if (e.status !== 'running') return;
      for (const field of overriddenFields(e.variants.map((v) => v.overrides ?? {}))) {
        const other = claimed.get(field);
        if (other)
          problems.push({
            field: `experiments[${i}]`,
            message: `running experiments "${other}" and "${e.id}" both override ${field}`,
          });
        else claimed.set(field, e.id);
      }
    });
    return problems;
  }
}

/**
 * The 409s: a started (running or paused) experiment keeps its variants and goal and may not be removed, and status
 * only moves forward. Also stamps `startedAt` the first time an experiment runs (the client's value is ignored).
 */
function lockStarted(next: Parameters<TenantSaveHook>[0], previous: TenantConfig | null, now: Date): void {
  const before = new Map(experimentsOf(previous?.experiments).map((e) => [e.id, e]));
  const after = experimentsOf(next.experiments);
  for (const old of before.values())
    if (hasStarted(old) && !after.some((e) => e.id === old.id))
      throw ExperimentsErrors.locked(old.id, 'it cannot be removed while running or paused');
  next.experiments = after.map((e) => {
    const old = before.get(e.id);
    if (!NEXT_STATUSES[old?.status ?? 'new'].includes(e.status))
      throw ExperimentsErrors.invalidTransition(e.id, old?.status ?? 'nothing', e.status);
    if (old && hasStarted(old)) {
      if (canonical(old.variants) !== canonical(e.variants))
        throw ExperimentsErrors.locked(e.id, 'its variants cannot change');
      if (old.goal !== e.goal) throw ExperimentsErrors.locked(e.id, 'its goal cannot change');
    }
    const { startedAt: _client, ...rest } = e;
    const startedAt = old?.startedAt ?? (e.status === 'running' ? now.toISOString() : undefined);
    return startedAt ? { ...rest, startedAt } : rest;
  });
}

/** JSON with sorted keys: Postgres stores jsonb keys in its own order, so raw JSON text would differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
