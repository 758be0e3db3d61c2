import jsonLogic from 'json-logic-js';

import type { CapturedField } from 'src/conversation/captured-fields';
import { logicProblems } from 'src/rules/rule-validation';
import type { ConfigProblem } from 'src/tenant/tenant-lifecycle';
import type { TurnContext } from 'src/understanding/turn-context';

export interface FlowState {
  say?: string;
  instruction?: string;
  ctas?: string[];
  collect?: CapturedField[];
  on?: { when: unknown; to: string }[];
  end?: boolean;
}

export interface Flow {
  id: string;
  start: string;
  states: Record<string, FlowState>;
}

/** Where a session stands in a flow; kept in the session and recorded with each reply so recovery can replay it. */
export interface FlowPosition {
  flow: string;
  state: string;
}

const ID = /^[a-z][a-z0-9_]{0,39}$/;
const STATE_KEYS = new Set(['say', 'instruction', 'ctas', 'collect', 'on', 'end']);
const COLLECTABLE = new Set(['firstName', 'lastName', 'email', 'phone', 'company']);
const MAX_TEXT = 2000;

/**
 * The first `on` whose condition holds moves the session to its target, once per turn: a state's transitions are
 * read on the visitor's next message (the answer to what the state said), not on the turn the state was entered.
 */
export function nextPosition(flows: readonly Flow[], at: FlowPosition, context: TurnContext): FlowPosition {
  const state = flows.find((f) => f.id === at.flow)?.states[at.state];
  for (const edge of state?.on ?? []) {
    let holds = false;
    try {
      holds = jsonLogic.truthy(jsonLogic.apply(edge.when as jsonLogic.RulesLogic, context));
    } catch {
      holds = false;
    }
    if (holds) return { flow: at.flow, state: edge.to };
  }
  return at;
}

export function stateAt(flows: readonly Flow[], at: FlowPosition | null | undefined): FlowState | null {
  if (!at) return null;
  return flows.find((f) => f.id === at.flow)?.states[at.state] ?? null;
}

export function flowsOf(stored: unknown): Flow[] {
  return Array.isArray(stored) ? (stored as Flow[]) : [];
}

/** Every problem with `flows`: ids, a start that exists, state fields, CTA ids, and transitions to known states. */
export function validateFlows(value: unknown, ctaIds: ReadonlySet<string>): ConfigProblem[] {
  if (!Array.isArray(value)) return [{ field: 'flows', message: 'flows must be an array' }];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i) => {
    const flow = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Partial<Flow>;
    const id = typeof flow.id === 'string' && ID.test(flow.id) ? flow.id : null;
    const base = id ? `flows.${id}` : `flows[${i}]`;
    const add = (sub: string, message: string) => problems.push({ field: `${base}${sub}`, message });
    if (!id) add('.id', `id must match ${ID.source}`);
    else if (seen.has(id)) add('.id', 'duplicate flow id');
    if (id) seen.add(id);
    const states = flow.states;
    if (!states || typeof states !== 'object' || Array.isArray(states) || !Object.keys(states).length) {
      add('.states', 'states must be an object of name → state, with at least one state');
      return;
    }
    if (typeof flow.start !== 'string' || !(flow.start in states))
      add('.start', `start must name one of the states (${Object.keys(states).join(', ')})`);
    for (const [name, rawState] of Object.entries(states)) {
      const at = `.states.${name}`;
      if (!ID.test(name)) add(at, `state name must match ${ID.source}`);
      if (!rawState || typeof rawState !== 'object' || Array.isArray(rawState)) {
        add(at, 'a state is an object {say?, instruction?, ctas?, collect?, on?, end?}');
        continue;
      }
      const state = rawState as Record<string, unknown>;
      for (const key of Object.keys(state)) if (!STATE_KEYS.has(key)) add(at, `unknown field "${key}"`);
      for (const key of ['say', 'instruction'])
        if (
          state[key] !== undefined &&
          (typeof state[key] !== 'string' || !state[key].trim() || state[key].length > MAX_TEXT)
        )
          add(`${at}.${key}`, `must be a non-empty string of at most ${MAX_TEXT} characters`);
      if (state.ctas !== undefined) {
        if (!Array.isArray(state.ctas) || state.ctas.some((c) => typeof c !== 'string'))
          add(`${at}.ctas`, 'ctas must be an array of CTA ids');
        else {
          const unknown = state.ctas.filter((c: string) => !ctaIds.has(c));
          if (unknown.length) add(`${at}.ctas`, `unknown CTA id(s) ${unknown.map((u) => `"${u}"`).join(', ')}`);
        }
      }
      if (
        state.collect !== undefined &&
        (!Array.isArray(state.collect) || state.collect.some((f) => !COLLECTABLE.has(f as string)))
      )
        add(`${at}.collect`, `collect must be an array of ${[...COLLECTABLE].join(', ')}`);
      if (state.end !== undefined && typeof state.end !== 'boolean') add(`${at}.end`, 'end must be a boolean');
      if (state.on !== undefined) {
        if (!Array.isArray(state.on)) {
          add(`${at}.on`, 'on must be an array of {when, to}');
          continue;
        }
        state.on.forEach((edge: unknown, j) => {
          const e = (edge ?? {}) as { when?: unknown; to?: unknown };
          if (e.when === undefined) add(`${at}.on[${j}].when`, 'when is required');
          else for (const p of logicProblems(e.when, 'when')) add(`${at}.on[${j}]`, p);
          if (typeof e.to !== 'string' || !(e.to in states))
            add(`${at}.on[${j}].to`, `unknown state ${JSON.stringify(e.to)}`);
        });
      }
    }
  });
  return problems;
}
