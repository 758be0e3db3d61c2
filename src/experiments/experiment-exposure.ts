import type { SessionState } from 'src/conversation/session-state';
import type { ExperimentAssignment } from 'src/experiments/experiments.types';
import type { TurnRecord } from 'src/session/transcript.service';

/** Engine note in the session: experiment id → variant already recorded as exposed in this session. */
const EXPOSED = 'experimentsExposed';

const exposedOf = (state: SessionState): Record<string, string> => {
  const value = state.metadata[EXPOSED];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
};

/**
 * Called when a reply produced under these variants goes out: the `experiment_exposure` events of the variants this
 * session has not been exposed to yet (once per session and experiment; the note rides in the session state, and
 * session recovery restores it from the replies' `variants`), and what the reply records (`variants`).
 */
export function exposeVariants(
  state: SessionState,
  assignments: readonly ExperimentAssignment[],
): { events: TurnRecord['events']; meta: { variants?: Record<string, string> } } {
  if (!assignments.length) return { events: [], meta: {} };
  const exposed = exposedOf(state);
  const events = assignments
    .filter((a) => exposed[a.experimentId] !== a.variantId)
    .map((a) => ({
      type: 'experiment_exposure' as const,
      payload: { experimentId: a.experimentId, variantId: a.variantId },
    }));
  const variants = Object.fromEntries(assignments.map((a) => [a.experimentId, a.variantId]));
  state.metadata[EXPOSED] = { ...exposed, ...variants };
  return { events, meta: { variants } };
}

/** Session recovery: a stored reply's `variants` were exposed already. */
export function replayExposure(state: SessionState, payload: Record<string, unknown>): void {
  const variants = payload.variants;
  if (!variants || typeof variants !== 'object' || Array.isArray(variants)) return;
  const valid = Object.entries(variants).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (valid.length) state.metadata[EXPOSED] = { ...exposedOf(state), ...Object.fromEntries(valid) };
}

/**
 * What rules read: `variant` (the session's variant in the first running experiment, for the common one-experiment
 * case) and `experiment.<id>` (its variant in each running experiment).
 */
export function turnVariables(assignments: readonly ExperimentAssignment[]): {
  variant: string | null;
  experiment: Record<string, string>;
} {
  return {
    variant: assignments[0]?.variantId ?? null,
    experiment: Object.fromEntries(assignments.map((a) => [a.experimentId, a.variantId])),
  };
}

/** The response cache's variant part: two variants never share a cached reply. Undefined outside experiments. */
export function variantKey(assignments: readonly ExperimentAssignment[]): string | undefined {
  return assignments.length ? assignments.map((a) => `${a.experimentId}=${a.variantId}`).join('&') : undefined;
}
