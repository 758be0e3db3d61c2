/** What a variant may replace in the business config for the sessions assigned to it. */
export const OVERRIDE_FIELDS = [
  'greetingMessage',
  'systemPrompt',
  'personality',
  'primaryGoal',
  'ctaTree',
  'rules',
  'flows',
  'profile',
] as const;
export type OverrideField = (typeof OVERRIDE_FIELDS)[number];

export const EXPERIMENT_STATUSES = ['draft', 'running', 'paused', 'stopped'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface ExperimentVariant {
  id: string;
  weight: number;
  overrides: Partial<Record<OverrideField, unknown>>;
}

/**
 * One A/B experiment of a business config. The control is the variant with id `control`, else the first variant.
 * `goal`: lead_captured | crm_contact_created | appointment_clicked | cta_clicked:<id> | handoff | engaged.
 */
export interface Experiment {
  id: string;
  status: ExperimentStatus;
  variants: ExperimentVariant[];
  goal: string;
  /** Set by the server the first time the experiment runs; never changes afterwards. */
  startedAt?: string;
}

/** The variant a session got in one running experiment. */
export interface ExperimentAssignment {
  experimentId: string;
  variantId: string;
}
