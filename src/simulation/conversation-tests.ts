import { metadataProblem } from 'src/conversation/session-metadata';
import type { SimulatedMessage, TestFailure, TurnTrace } from 'src/simulation/simulation.types';
import { BUILTIN_INTENTS } from 'src/tenant/intents';
import type { TenantConfig } from 'src/tenant/tenant-config';
import type { ConfigProblem } from 'src/tenant/tenant-lifecycle';

/** What a step of a conversation test expects of its turn; every key is optional, absent keys are not checked. */
export interface TestExpectation {
  /** The intent the message is read as. */
  intent?: string;
  /** These rules fire (others may too); `[]` expects that none fires. */
  rulesFired?: string[];
  /** The flow state the turn leaves the conversation in; null expects no active flow. */
  state?: string | null;
  /** These CTA ids are offered with the reply (others may be too); `[]` expects no buttons. */
  ctas?: string[];
  /** The reply contains this text (case-insensitive). */
  replyContains?: string;
  /** true: the turn hands off; false: it does not; a string: it hands off with this reason. */
  handoff?: boolean | string;
}

export interface TestStep extends SimulatedMessage {
  expect?: TestExpectation;
}

export interface ConversationTest {
  name: string;
  turns: TestStep[];
}

export const MAX_TESTS = 50;
export const MAX_TEST_TURNS = 30;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$/;
const MAX_STEP_MESSAGE_CHARS = 4000;
const STEP_KEYS = new Set(['message', 'cta_id', 'metadata', 'expect']);
const EXPECT_KEYS = new Set(['intent', 'rulesFired', 'state', 'ctas', 'replyContains', 'handoff']);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The tests as stored; only called on a config that passed validation. */
export function testsOf(config: TenantConfig): ConversationTest[] {
  return (config.tests ?? []) as unknown as ConversationTest[];
}

/**
 * Checks `tests` against the rest of the config at save (and for a simulated draft): every intent, rule, flow state
 * and CTA an expectation names must exist, so a typo is a 400 naming the step, not a test that can never pass.
 */
export function validateTests(config: TenantConfig): ConfigProblem[] {
  const tests: unknown = config.tests ?? [];
  if (!Array.isArray(tests)) return [{ field: 'tests', message: 'must be an array' }];
  if (tests.length > MAX_TESTS) return [{ field: 'tests', message: `at most ${MAX_TESTS} tests` }];
  const known = {
    intents: new Set<string>([...BUILTIN_INTENTS, ...(config.intents ?? []).map((i) => i.name)]),
    rules: new Set((config.rules ?? []).flatMap((r) => (isObject(r) && typeof r.id === 'string' ? [r.id] : []))),
    states: new Set(
      (config.flows ?? []).flatMap((f) => (isObject(f) && isObject(f.states) ? Object.keys(f.states) : [])),
    ),
    ctas: new Set(Object.keys(config.ctaTree ?? {})),
  };
  const problems: ConfigProblem[] = [];
  const names = new Set<string>();
  tests.forEach((test: unknown, i) => {
    if (!isObject(test)) return problems.push({ field: `tests.${i}`, message: 'must be an object {name, turns}' });
    const name = test.name;
    const at = typeof name === 'string' && NAME_PATTERN.test(name) ? `tests.${name}` : `tests.${i}`;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name))
      problems.push({ field: `${at}.name`, message: `must match ${NAME_PATTERN.source}` });
    else if (names.has(name)) problems.push({ field: `${at}.name`, message: `duplicate test name "${name}"` });
    else names.add(name);
    for (const key of Object.keys(test))
      if (key !== 'name' && key !== 'turns') problems.push({ field: `${at}.${key}`, message: 'unknown key' });
    const turns = test.turns;
    if (!Array.isArray(turns) || turns.length < 1 || turns.length > MAX_TEST_TURNS)
      return problems.push({ field: `${at}.turns`, message: `must be an array of 1–${MAX_TEST_TURNS} turns` });
    turns.forEach((step: unknown, j) => problems.push(...stepProblems(step, `${at}.turns.${j}`, known)));
  });
  return problems;
}

function stepProblems(
  step: unknown,
  at: string,
  known: Record<'intents' | 'rules' | 'states' | 'ctas', Set<string>>,
): ConfigProblem[] {
  if (!isObject(step)) return [{ field: at, message: 'must be an object {message | cta_id, metadata?, expect?}' }];
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `${at}.${field}`, message });
  for (const key of Object.keys(step)) if (!STEP_KEYS.has(key)) add(key, 'unknown key');
  const hasMessage = typeof step.message === 'string' && step.message.trim() !== '';
  if (step.message !== undefined && typeof step.message !== 'string') add('message', 'must be a string');
  else if (typeof step.message === 'string' && step.message.length > MAX_STEP_MESSAGE_CHARS)
    add('message', `must be at most ${MAX_STEP_MESSAGE_CHARS} characters`);
  if (step.cta_id !== undefined) {
    if (typeof step.cta_id !== 'string' || !known.ctas.has(step.cta_id))
      add('cta_id', `unknown CTA "${String(step.cta_id)}"`);
    else if (hasMessage) add('message', 'give either message or cta_id, not both');
  } else if (!hasMessage) add('message', 'each turn needs a message or a cta_id');
  if (step.metadata !== undefined) {
    const problem = metadataProblem(step.metadata);
    if (problem) add('metadata', problem);
  }
  if (step.expect === undefined) return problems;
  if (!isObject(step.expect)) return [...problems, { field: `${at}.expect`, message: 'must be an object' }];
  const e = step.expect;
  for (const key of Object.keys(e)) if (!EXPECT_KEYS.has(key)) add(`expect.${key}`, 'unknown expectation');
  if (e.intent !== undefined && (typeof e.intent !== 'string' || !known.intents.has(e.intent)))
    add('expect.intent', `unknown intent "${String(e.intent)}"`);
  if (e.rulesFired !== undefined) {
    if (!isStringList(e.rulesFired)) add('expect.rulesFired', 'must be an array of rule ids');
    else for (const id of e.rulesFired) if (!known.rules.has(id)) add('expect.rulesFired', `unknown rule "${id}"`);
  }
  if (e.state !== undefined && e.state !== null && (typeof e.state !== 'string' || !known.states.has(e.state)))
    add('expect.state', `unknown flow state "${String(e.state)}"`);
  if (e.ctas !== undefined) {
    if (!isStringList(e.ctas)) add('expect.ctas', 'must be an array of CTA ids');
    else for (const id of e.ctas) if (!known.ctas.has(id)) add('expect.ctas', `unknown CTA "${id}"`);
  }
  if (e.replyContains !== undefined && (typeof e.replyContains !== 'string' || !e.replyContains.trim()))
    add('expect.replyContains', 'must be a non-empty string');
  if (e.handoff !== undefined && typeof e.handoff !== 'boolean' && typeof e.handoff !== 'string')
    add('expect.handoff', 'must be true, false or a reason');
  return problems;
}

/** Expected against actual for one step; empty when the turn did all its expectation asks. */
export function checkStep(expect: TestExpectation | undefined, trace: TurnTrace): TestFailure[] {
  if (!expect) return [];
  const failures: TestFailure[] = [];
  const fail = (field: TestFailure['field'], expected: unknown, actual: unknown) =>
    failures.push({ field, expected, actual });
  if (expect.intent !== undefined && trace.intent?.name !== expect.intent)
    fail('intent', expect.intent, trace.intent?.name ?? null);
  if (expect.rulesFired !== undefined && !includesAll(trace.rulesFired, expect.rulesFired))
    fail('rulesFired', expect.rulesFired, trace.rulesFired);
  if (expect.state !== undefined) {
    // A state that ended its flow is where the turn spoke from; after it no flow is active.
    const state = trace.flow?.state ?? null;
    if (state !== expect.state) fail('state', expect.state, state);
  }
  if (expect.ctas !== undefined) {
    const ids = trace.ctas.map((c) => c.id);
    if (!includesAll(ids, expect.ctas)) fail('ctas', expect.ctas, ids);
  }
  if (expect.replyContains !== undefined && !trace.reply.toLowerCase().includes(expect.replyContains.toLowerCase()))
    fail('replyContains', expect.replyContains, trace.reply);
  if (expect.handoff !== undefined) {
    const reason = trace.handoff?.reason ?? null;
    const ok = typeof expect.handoff === 'boolean' ? (reason !== null) === expect.handoff : reason === expect.handoff;
    if (!ok) fail('handoff', expect.handoff, reason ?? false);
  }
  return failures;
}

/** Every expected id is there; an empty expectation means "none at all". */
function includesAll(actual: readonly string[], expected: readonly string[]): boolean {
  return expected.length === 0 ? actual.length === 0 : expected.every((id) => actual.includes(id));
}
