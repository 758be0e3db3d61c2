import type { FieldProblem } from 'src/common/errors/app-error';
import {
  type Experiment,
  EXPERIMENT_STATUSES,
  type ExperimentStatus,
  OVERRIDE_FIELDS,
  type OverrideField,
} from 'src/experiments/experiments.types';

export const ID_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
export const CONTROL_ID = 'control';
export const MAX_EXPERIMENTS = 20;
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 10;
const GOAL_PATTERN =
  /^(lead_captured|crm_contact_created|appointment_clicked|handoff|engaged|cta_clicked:([^\s:]{1,64}))$/;

const TEXT_LIMITS: Partial<Record<OverrideField, number>> = {
  greetingMessage: 2000,
  systemPrompt: 20000,
  personality: 2000,
  primaryGoal: 2000,
};

export type GoalEvent =
  | { kind: 'lead_captured' | 'crm_contact_created' | 'appointment_clicked' | 'handoff' | 'engaged' }
  | { kind: 'cta_clicked'; ctaId: string };

/** The goal as the results query reads it; null when the string is not one (refused on save). */
export function parseGoal(goal: string): GoalEvent | null {
  const m = GOAL_PATTERN.exec(goal);
  if (!m) return null;
  if (m[2] !== undefined) return { kind: 'cta_clicked', ctaId: m[2] };
  return { kind: m[1] as Exclude<GoalEvent['kind'], 'cta_clicked'> };
}

/** A hand-off is a failure of the assistant: fewer is better. */
export const lowerIsBetter = (goal: string): boolean => parseGoal(goal)?.kind === 'handoff';

export function controlOf(experiment: Pick<Experiment, 'variants'>): string {
  return experiment.variants.some((v) => v.id === CONTROL_ID) ? CONTROL_ID : experiment.variants[0].id;
}

/** The experiments of a stored config. A legacy free-form object (before experiments existed) holds none. */
export function experimentsOf(value: unknown): Experiment[] {
  return Array.isArray(value) ? (value as Experiment[]) : [];
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Shape checks of `experiments`, each with its field path (`experiments[0].variants[1].weight`). What the overrides
 * mean (rules naming CTAs, a profile that exists) is checked by the service with the base config's own validators.
 */
export function experimentShapeProblems(value: unknown, ctaIds: ReadonlySet<string>): FieldProblem[] {
  if (!Array.isArray(value)) return [{ path: 'experiments', message: 'experiments must be an array' }];
  const problems: FieldProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (value.length > MAX_EXPERIMENTS) add('experiments', `at most ${MAX_EXPERIMENTS} experiments`);
  const seen = new Set<string>();
  value.forEach((raw, i) => {
    const at = `experiments[${i}]`;
    if (!isRecord(raw)) return add(at, 'an experiment must be an object {id, status, variants, goal}');
    if (typeof raw.id !== 'string' || !ID_PATTERN.test(raw.id)) add(`${at}.id`, `id must match ${ID_PATTERN.source}`);
    else if (seen.has(raw.id)) add(`${at}.id`, `duplicate experiment id "${raw.id}"`);
    else seen.add(raw.id);
    if (!EXPERIMENT_STATUSES.includes(raw.status as ExperimentStatus))
      add(`${at}.status`, `status must be one of ${EXPERIMENT_STATUSES.join(', ')}`);
    if (raw.startedAt !== undefined && (typeof raw.startedAt !== 'string' || Number.isNaN(Date.parse(raw.startedAt))))
      add(`${at}.startedAt`, 'startedAt must be an ISO 8601 date (it is set by the server when the experiment starts)');
    const goal = typeof raw.goal === 'string' ? parseGoal(raw.goal) : null;
    if (!goal)
      add(
        `${at}.goal`,
        'goal must be lead_captured, crm_contact_created, appointment_clicked, cta_clicked:<cta id>, handoff or engaged',
      );
    const variants = raw.variants;
    if (!Array.isArray(variants) || variants.length < MIN_VARIANTS || variants.length > MAX_VARIANTS) {
      add(`${at}.variants`, `variants must be an array of ${MIN_VARIANTS} to ${MAX_VARIANTS} variants`);
      return;
    }
    const variantIds = new Set<string>();
    const variantCtaIds = new Set<string>();
    variants.forEach((v: unknown, j) => {
      const vat = `${at}.variants[${j}]`;
      if (!isRecord(v)) return add(vat, 'a variant must be an object {id, weight, overrides}');
      if (typeof v.id !== 'string' || !ID_PATTERN.test(v.id)) add(`${vat}.id`, `id must match ${ID_PATTERN.source}`);
      else if (variantIds.has(v.id)) add(`${vat}.id`, `duplicate variant id "${v.id}"`);
      else variantIds.add(v.id);
      if (typeof v.weight !== 'number' || !Number.isFinite(v.weight) || v.weight <= 0 || v.weight > 1000)
        add(`${vat}.weight`, 'weight must be a number above 0 and at most 1000');
      if (v.overrides === undefined) return;
      if (!isRecord(v.overrides)) return add(`${vat}.overrides`, 'overrides must be an object');
      for (const [key, override] of Object.entries(v.overrides)) {
        const oat = `${vat}.overrides.${key}`;
        if (!OVERRIDE_FIELDS.includes(key as OverrideField)) {
          add(oat, `overrides may only replace ${OVERRIDE_FIELDS.join(', ')}`);
          continue;
        }
        const limit = TEXT_LIMITS[key as OverrideField];
        if (limit !== undefined && (typeof override !== 'string' || override.length > limit))
          add(oat, `${key} must be a string of at most ${limit} characters`);
        if (key === 'profile' && (typeof override !== 'string' || !ID_PATTERN.test(override)))
          add(oat, 'profile must name one of the business profiles');
        if ((key === 'rules' || key === 'flows') && !Array.isArray(override)) add(oat, `${key} must be an array`);
        if (key === 'ctaTree' && isRecord(override)) Object.keys(override).forEach((id) => variantCtaIds.add(id));
      }
    });
    if (goal?.kind === 'cta_clicked' && !ctaIds.has(goal.ctaId) && !variantCtaIds.has(goal.ctaId))
      add(`${at}.goal`, `goal names CTA "${goal.ctaId}", which is neither in ctaTree nor in a variant's ctaTree`);
  });
  return problems;
}
