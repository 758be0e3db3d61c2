import type { CapturedField } from 'src/conversation/captured-fields';
import { metadataProblem } from 'src/conversation/session-metadata';
import type { ConfigProblem } from 'src/tenant/tenant-lifecycle';
import { TURN_CONTEXT_VARIABLES } from 'src/understanding/turn-context';

/** The JsonLogic operators json-logic-js 2 implements; anything else would throw at evaluation time. */
const OPERATORS = new Set([
  '==',
  '===',
  '!=',
  '!==',
  '>',
  '>=',
  '<',
  '<=',
  '!',
  '!!',
  '%',
  'and',
  'or',
  'if',
  '?:',
  'var',
  'missing',
  'missing_some',
  'in',
  'cat',
  'substr',
  '+',
  '-',
  '*',
  '/',
  'min',
  'max',
  'merge',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
]);
/** In these the second argument runs over each item, so its `var`s name item fields, not turn context variables. */
const ITERATING = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

const ACTIONS = ['reply', 'instruction', 'showCtas', 'hideCtas', 'setMetadata', 'tag', 'handoff', 'collect', 'profile'];
const COLLECTABLE: readonly CapturedField[] = ['firstName', 'lastName', 'email', 'phone', 'company'];
const RULE_KEYS = new Set(['id', 'description', 'when', 'then', 'channels', 'stop']);
const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const PROFILE_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const PROFILE_KEYS = new Set(['systemPrompt', 'personality', 'primaryGoal']);
const MAX_RULES = 200;
const MAX_TEXT = 2000;

/** What a rule may refer to besides the turn context: the rest of the config being saved. */
export interface RuleReferences {
  ctaIds: ReadonlySet<string>;
  profiles: ReadonlySet<string>;
}

/** `intent.name`, `metadata.plan`, or a whole object (`captured`); `*` in the list stands for any key. */
function knownVariable(name: string): boolean {
  for (const v of TURN_CONTEXT_VARIABLES) {
    if (v === name) return true;
    if (v.endsWith('.*')) {
      const root = v.slice(0, -2);
      if (name === root || (name.startsWith(`${root}.`) && name.length > root.length + 1)) return true;
    } else if (v.startsWith(`${name}.`)) return true;
  }
  return false;
}

/** Every problem with one JsonLogic expression: unknown operators and unknown variables. */
export function logicProblems(logic: unknown, path = 'when'): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, at: string, inItem: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${at}[${i}]`, inItem));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      problems.push(`${at}: a JsonLogic operation has exactly one operator key (found ${keys.length})`);
      return;
    }
    const op = keys[0];
    const args = (node as Record<string, unknown>)[op];
    if (!OPERATORS.has(op)) {
      problems.push(`${at}: unknown JsonLogic operator "${op}"`);
      return;
    }
    if (op === 'var') {
      const name = Array.isArray(args) ? args[0] : args;
      if (inItem) return;
      if (typeof name !== 'string' || !knownVariable(name))
        problems.push(`${at}: unknown variable ${JSON.stringify(name)} (see the turn context variables)`);
      return;
    }
    const list = Array.isArray(args) ? args : [args];
    list.forEach((a, i) => walk(a, `${at}.${op}[${i}]`, inItem || (ITERATING.has(op) && i > 0)));
  };
  walk(logic, path, false);
  return problems;
}

function actionProblems(action: unknown, refs: RuleReferences): string | null {
  if (!action || typeof action !== 'object' || Array.isArray(action)) return 'an action must be an object';
  const keys = Object.keys(action);
  if (keys.length !== 1) return `an action has exactly one key (one of ${ACTIONS.join(', ')})`;
  const [kind] = keys;
  const value = (action as Record<string, unknown>)[kind];
  const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT;
  switch (kind) {
    case 'reply':
    case 'instruction':
      return text(value) ? null : `${kind} must be a non-empty string of at most ${MAX_TEXT} characters`;
    case 'tag':
      return typeof value === 'string' && PROFILE_NAME.test(value) ? null : `tag must match ${PROFILE_NAME.source}`;
    case 'showCtas':
    case 'hideCtas': {
      if (!Array.isArray(value) || !value.length || value.some((v) => typeof v !== 'string'))
        return `${kind} must be a non-empty array of CTA ids`;
      const unknown = value.filter((id: string) => !refs.ctaIds.has(id));
      return unknown.length ? `${kind}: unknown CTA id(s) ${unknown.map((u) => `"${u}"`).join(', ')}` : null;
    }
    case 'setMetadata': {
      const problem = metadataProblem(value);
      return problem ? `setMetadata: ${problem}` : null;
    }
    case 'handoff': {
      const reason = (value as { reason?: unknown } | null)?.reason;
      return value && typeof value === 'object' && text(reason) ? null : 'handoff must be {"reason": text}';
    }
    case 'collect':
      return Array.isArray(value) && value.length && value.every((f) => COLLECTABLE.includes(f as CapturedField))
        ? null
        : `collect must be a non-empty array of ${COLLECTABLE.join(', ')}`;
    case 'profile':
      return typeof value === 'string' && refs.profiles.has(value)
        ? null
        : `profile: unknown profile "${String(value)}"`;
    default:
      return `unknown action "${kind}" (expected one of ${ACTIONS.join(', ')})`;
  }
}

/**
 * Every problem with `rules`, each as the field the console shows it beside (`rules.<id>.then[1]`) and what is wrong.
 * Plain strings are free-text guidance pasted into the prompt, as before rules had conditions.
 */
export function validateRules(value: unknown, refs: RuleReferences): ConfigProblem[] {
  if (!Array.isArray(value)) return [{ field: 'rules', message: 'rules must be an array' }];
  if (value.length > MAX_RULES) return [{ field: 'rules', message: `at most ${MAX_RULES} rules` }];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i) => {
    if (typeof raw === 'string') return;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ field: `rules[${i}]`, message: 'a rule is an object {id, when, then} or a text' });
      return;
    }
    const rule = raw as Record<string, unknown>;
    const id = typeof rule.id === 'string' && RULE_ID.test(rule.id) ? rule.id : null;
    const field = id ? `rules.${id}` : `rules[${i}]`;
    const add = (message: string, sub = '') => problems.push({ field: `${field}${sub}`, message });
    if (!id) add(`id must match ${RULE_ID.source}`, '.id');
    else if (seen.has(id)) add('duplicate rule id', '.id');
    if (id) seen.add(id);
    for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) add(`unknown field "${key}"`);
    if (rule.description !== undefined && (typeof rule.description !== 'string' || rule.description.length > MAX_TEXT))
      add(`description must be a string of at most ${MAX_TEXT} characters`, '.description');
    if (rule.when === undefined) add('when is required (JsonLogic; true fires on every turn)', '.when');
    else for (const p of logicProblems(rule.when)) add(p, '.when');
    if (!Array.isArray(rule.then) || !rule.then.length) add('then must be a non-empty array of actions', '.then');
    else
      rule.then.forEach((a: unknown, j) => {
        const p = actionProblems(a, refs);
        if (p) add(p, `.then[${j}]`);
      });
    if (
      rule.channels !== undefined &&
      (!Array.isArray(rule.channels) || rule.channels.some((c) => c !== 'chat' && c !== 'voice'))
    )
      add('channels must be an array of "chat" and "voice"', '.channels');
    if (rule.stop !== undefined && typeof rule.stop !== 'boolean') add('stop must be a boolean', '.stop');
  });
  return problems;
}

/** `profiles: {name: {systemPrompt?, personality?, primaryGoal?}}`. */
export function validateProfiles(value: unknown): ConfigProblem[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return [{ field: 'profiles', message: 'profiles must be an object of name → profile' }];
  const problems: ConfigProblem[] = [];
  for (const [name, raw] of Object.entries(value)) {
    const field = `profiles.${name}`;
    if (!PROFILE_NAME.test(name)) problems.push({ field, message: `profile name must match ${PROFILE_NAME.source}` });
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ field, message: 'a profile is an object {systemPrompt?, personality?, primaryGoal?}' });
      continue;
    }
    for (const [key, v] of Object.entries(raw)) {
      if (!PROFILE_KEYS.has(key)) problems.push({ field: `${field}.${key}`, message: `unknown field "${key}"` });
      else if (typeof v !== 'string' || v.length > 20000)
        problems.push({ field: `${field}.${key}`, message: 'must be a string of at most 20000 characters' });
    }
  }
  return problems;
}
