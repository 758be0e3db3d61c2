import { logicProblems, validateProfiles, validateRules } from 'src/rules/rule-validation';

const refs = { ctaIds: new Set(['book', 'pricing']), profiles: new Set(['sales']) };
const rule = (over: Record<string, unknown> = {}) => ({
  id: 'r1',
  when: { '==': [{ var: 'intent.name' }, 'pricing'] },
  then: [{ showCtas: ['book'] }],
  ...over,
});

describe(validateRules.name, () => {
  it('accepts a valid rule set, text guidance included', () => {
    expect(
      validateRules(
        [
          'Never quote prices.',
          rule({
            when: {
              and: [
                { '>=': [{ var: 'turn' }, 2] },
                { in: [{ var: 'metadata.plan' }, ['pro', 'team']] },
                { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'vip'] }] },
                { '!': { var: 'captured.email' } },
              ],
            },
            then: [
              { reply: 'Hi' },
              { instruction: 'Be brief' },
              { hideCtas: ['pricing'] },
              { setMetadata: { stage: 'warm' } },
              { tag: 'vip' },
              { handoff: { reason: 'asked for a human' } },
              { collect: ['email', 'phone'] },
              { profile: 'sales' },
            ],
            channels: ['chat'],
            stop: true,
          }),
        ],
        refs,
      ),
    ).toEqual([]);
  });

  it.each([
    [{ when: { '==': [{ var: 'intent.nme' }, 'x'] } }, 'rules.r1.when', 'unknown variable "intent.nme"'],
    [{ when: { '==': [{ var: 'metadata' }, 1] }, id: 'r1' }, null, null],
    [{ when: { eval: ['1'] } }, 'rules.r1.when', 'unknown JsonLogic operator "eval"'],
    [{ when: { '==': [1, 1], '!=': [1, 2] } }, 'rules.r1.when', 'exactly one operator key'],
    [{ when: undefined }, 'rules.r1.when', 'when is required'],
    [{ then: [{ explode: true }] }, 'rules.r1.then[0]', 'unknown action "explode"'],
    [{ then: [{ showCtas: ['nope'] }] }, 'rules.r1.then[0]', 'unknown CTA id(s) "nope"'],
    [{ then: [{ profile: 'support' }] }, 'rules.r1.then[0]', 'unknown profile "support"'],
    [{ then: [{ collect: ['ssn'] }] }, 'rules.r1.then[0]', 'collect must be'],
    [{ then: [{ handoff: {} }] }, 'rules.r1.then[0]', 'handoff must be'],
    [{ then: [{ setMetadata: { 'bad key': 1 } }] }, 'rules.r1.then[0]', 'setMetadata: metadata key'],
    [{ then: [{ reply: 'a', tag: 'b' }] }, 'rules.r1.then[0]', 'exactly one key'],
    [{ then: [] }, 'rules.r1.then', 'non-empty array'],
    [{ channels: ['sms'] }, 'rules.r1.channels', 'channels must be'],
    [{ stop: 'yes' }, 'rules.r1.stop', 'stop must be a boolean'],
    [{ extra: 1 }, 'rules.r1', 'unknown field "extra"'],
    [{ id: 'has space' }, 'rules[0].id', 'id must match'],
  ])('refuses %j with the field and problem', (over, field, message) => {
    const problems = validateRules([rule(over)], refs);
    if (field === null) expect(problems).toEqual([]);
    else expect(problems).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('refuses duplicate ids, non-objects and a non-array', () => {
    expect(validateRules([rule(), rule()], refs)).toEqual([{ field: 'rules.r1.id', message: 'duplicate rule id' }]);
    expect(validateRules([42], refs)).toEqual([{ field: 'rules[0]', message: expect.any(String) }]);
    expect(validateRules({}, refs)).toEqual([{ field: 'rules', message: 'rules must be an array' }]);
  });
});

describe(logicProblems.name, () => {
  it('reads item variables inside iterating operators as the item, not the turn context', () => {
    expect(logicProblems({ all: [{ var: 'missing' }, { '!=': [{ var: 'anything' }, ''] }] })).toEqual([]);
    expect(logicProblems({ all: [{ var: 'nothing' }, true] })).toEqual([expect.stringContaining('"nothing"')]);
  });

  it('refuses the whole-context variable and non-string names', () => {
    expect(logicProblems({ var: '' })).toHaveLength(1);
    expect(logicProblems({ var: ['turn', 0] })).toEqual([]);
    expect(logicProblems({ var: [3] })).toHaveLength(1);
  });
});

describe(validateProfiles.name, () => {
  it('accepts named profiles of prompt fields and refuses the rest', () => {
    expect(validateProfiles({ sales: { primaryGoal: 'Book calls', personality: 'Brief' } })).toEqual([]);
    expect(validateProfiles({ Sales: {} })).toEqual([{ field: 'profiles.Sales', message: expect.any(String) }]);
    expect(validateProfiles({ sales: { tone: 'x' } })).toEqual([
      { field: 'profiles.sales.tone', message: 'unknown field "tone"' },
    ]);
    expect(validateProfiles({ sales: 'x' })).toEqual([{ field: 'profiles.sales', message: expect.any(String) }]);
    expect(validateProfiles([])).toEqual([{ field: 'profiles', message: expect.any(String) }]);
  });
});
