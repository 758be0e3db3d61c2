import { checkStep, validateTests } from 'src/simulation/conversation-tests';
import type { TurnTrace } from 'src/simulation/simulation.types';
import type { TenantConfig } from 'src/tenant/tenant-config';

const config = (tests: unknown): TenantConfig =>
  ({
    tests,
    intents: [{ name: 'industries', examples: ['Do you work with plumbers?'] }],
    rules: ['guidance', { id: 'pricing_qualify', when: true, then: [] }],
    flows: [{ id: 'qualify', start: 'ask', states: { ask: {}, done: {} } }],
    ctaTree: { book: { id: 'book', label: 'Book', action: 'link', url: 'https://x.example' } },
  }) as unknown as TenantConfig;

const trace = (over: Partial<TurnTrace> = {}): TurnTrace => ({
  turn: 1,
  message: 'hi',
  ctaId: null,
  reply: 'Happy to help with PRICING.',
  ctas: [{ id: 'book', label: 'Book', action: 'link' }],
  sources: [],
  intent: { name: 'pricing', confidence: 0.8 },
  sentiment: { label: 'neutral', score: 0 },
  rulesFired: ['pricing_qualify'],
  flow: { id: 'qualify', state: 'ask' },
  flowEnded: false,
  captured: {},
  tags: [],
  handoff: null,
  handedOff: false,
  crmWrites: [],
  ...over,
});

describe('validateTests', () => {
  it('accepts tests that name existing intents (built-in or own), rules, states and CTAs', () => {
    const tests = [
      {
        name: 'pricing',
        turns: [
          { message: 'How much?', expect: { intent: 'pricing', rulesFired: ['pricing_qualify'], state: 'ask' } },
          { cta_id: 'book', metadata: { plan: 'pro' }, expect: { ctas: ['book'], state: null, handoff: false } },
          { message: 'Plumbers?', expect: { intent: 'industries', replyContains: 'plumb', handoff: 'rule:x' } },
        ],
      },
    ];
    expect(validateTests(config(tests))).toEqual([]);
  });

  it('names each problem by test and step', () => {
    expect(validateTests(config('nope'))).toEqual([{ field: 'tests', message: 'must be an array' }]);
    expect(
      validateTests(config([{ name: '', turns: [{ message: 'x', metadata: { 'bad key!': 1 } }], extra: 1 }])),
    ).toEqual([
      { field: 'tests.0.name', message: expect.stringContaining('must match') },
      { field: 'tests.0.extra', message: 'unknown key' },
      { field: 'tests.0.turns.0.metadata', message: expect.any(String) },
    ]);
    expect(validateTests(config([{ name: 't', turns: [{ expect: { handoff: 3, replyContains: ' ' } }] }]))).toEqual([
      { field: 'tests.t.turns.0.message', message: 'each turn needs a message or a cta_id' },
      { field: 'tests.t.turns.0.expect.replyContains', message: 'must be a non-empty string' },
      { field: 'tests.t.turns.0.expect.handoff', message: 'must be true, false or a reason' },
    ]);
  });

  it('caps the number of tests and of turns per test', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `t${i}`, turns: [{ message: 'hi' }] }));
    expect(validateTests(config(many))).toEqual([{ field: 'tests', message: 'at most 50 tests' }]);
    const long = [{ name: 'long', turns: Array.from({ length: 31 }, () => ({ message: 'hi' })) }];
    expect(validateTests(config(long))).toEqual([
      { field: 'tests.long.turns', message: 'must be an array of 1–30 turns' },
    ]);
  });
});

describe('checkStep', () => {
  it('passes a turn that meets every stated expectation, and one with none', () => {
    expect(checkStep(undefined, trace())).toEqual([]);
    expect(
      checkStep(
        { intent: 'pricing', rulesFired: ['pricing_qualify'], state: 'ask', ctas: ['book'], replyContains: 'pricing' },
        trace(),
      ),
    ).toEqual([]);
  });

  it('reports each unmet expectation with expected and actual', () => {
    expect(
      checkStep(
        { intent: 'greeting', rulesFired: [], state: null, ctas: [], replyContains: 'quote', handoff: true },
        trace(),
      ),
    ).toEqual([
      { field: 'intent', expected: 'greeting', actual: 'pricing' },
      { field: 'rulesFired', expected: [], actual: ['pricing_qualify'] },
      { field: 'state', expected: null, actual: 'ask' },
      { field: 'ctas', expected: [], actual: ['book'] },
      { field: 'replyContains', expected: 'quote', actual: 'Happy to help with PRICING.' },
      { field: 'handoff', expected: true, actual: false },
    ]);
  });

  it('matches a hand-off by its reason when the expectation names one', () => {
    const handedOff = trace({ handoff: { reason: 'rule:complaint' } });
    expect(checkStep({ handoff: 'rule:complaint' }, handedOff)).toEqual([]);
    expect(checkStep({ handoff: true }, handedOff)).toEqual([]);
    expect(checkStep({ handoff: 'intent:human_handoff' }, handedOff)).toEqual([
      { field: 'handoff', expected: 'intent:human_handoff', actual: 'rule:complaint' },
    ]);
  });
});
