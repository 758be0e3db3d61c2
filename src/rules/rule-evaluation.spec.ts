import { evaluateRules, rulesOf } from 'src/rules/rule-evaluation';
import type { Rule } from 'src/rules/rules.types';
import type { TurnContext } from 'src/understanding/turn-context';

const context = (over: Partial<TurnContext> = {}): TurnContext => ({
  message: 'How much is it?',
  turn: 2,
  channel: 'chat',
  intent: { name: 'pricing', confidence: 0.9 },
  sentiment: { label: 'neutral', score: 0 },
  metadata: {},
  captured: {},
  missing: ['firstName', 'email', 'phone'],
  flow: null,
  state: null,
  cta: null,
  variant: null,
  experiment: {},
  tags: [],
  time: { hour: 10, weekday: 'mon', date: '2026-11-30' },
  ...over,
});
const pricing = { '==': [{ var: 'intent.name' }, 'pricing'] };

describe(evaluateRules.name, () => {
  it('fires matching rules in order and merges their actions into one decision', () => {
    const rules: Rule[] = [
      { id: 'a', when: pricing, then: [{ instruction: 'Offer a call' }, { showCtas: ['book'] }, { tag: 'price' }] },
      { id: 'b', when: { '<': [{ var: 'turn' }, 2] }, then: [{ reply: 'never' }] },
      { id: 'c', when: true, then: [{ reply: 'first' }, { profile: 'sales' }, { collect: ['email'] }] },
      { id: 'd', when: true, then: [{ reply: 'second' }, { profile: 'other' }, { handoff: { reason: 'x' } }] },
    ];
    expect(evaluateRules(rules, context())).toEqual({
      fired: ['a', 'c', 'd'],
      reply: 'first',
      instructions: ['Offer a call'],
      showCtas: ['book'],
      hideCtas: [],
      setMetadata: {},
      tags: ['price'],
      handoff: { reason: 'x' },
      collect: ['email'],
      profile: 'sales',
      startFlow: null,
      setState: null,
    });
  });

  it('stops after a rule with stop, and skips rules of another channel', () => {
    const rules: Rule[] = [
      { id: 'voice', when: true, then: [{ tag: 'v' }], channels: ['voice'] },
      { id: 'first', when: true, then: [{ tag: 'f' }], stop: true },
      { id: 'later', when: true, then: [{ tag: 'l' }] },
    ];
    expect(evaluateRules(rules, context()).fired).toEqual(['first']);
    expect(evaluateRules(rules, context({ channel: 'voice' })).fired).toEqual(['voice', 'first']);
  });

  it('lets a later rule read the tags and metadata an earlier one set', () => {
    const rules: Rule[] = [
      { id: 'set', when: pricing, then: [{ tag: 'hot' }, { setMetadata: { stage: 'quote' } }] },
      {
        id: 'read',
        when: { and: [{ in: ['hot', { var: 'tags' }] }, { '==': [{ var: 'metadata.stage' }, 'quote'] }] },
        then: [{ hideCtas: ['faq'] }],
      },
    ];
    const decision = evaluateRules(rules, context());
    expect(decision.fired).toEqual(['set', 'read']);
    expect(decision.setMetadata).toEqual({ stage: 'quote' });
  });

  it('treats a condition that fails to evaluate as false', () => {
    const rules: Rule[] = [{ id: 'broken', when: { nonsense: [1] }, then: [{ tag: 'x' }] }];
    expect(evaluateRules(rules, context()).fired).toEqual([]);
  });

  it('reads only rule objects from the stored list', () => {
    expect(rulesOf(['text', { id: 'a', when: true, then: [] }, null]).map((r) => r.id)).toEqual(['a']);
  });
});
