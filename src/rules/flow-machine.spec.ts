import { type Flow, nextPosition, stateAt, validateFlows } from 'src/rules/flow-machine';
import type { TurnContext } from 'src/understanding/turn-context';

const flows: Flow[] = [
  {
    id: 'qualify',
    start: 'ask',
    states: {
      ask: {
        say: 'How big is your team?',
        on: [
          { when: { broken: [] }, to: 'done' },
          { when: { '>=': [{ var: 'turn' }, 3] }, to: 'done' },
        ],
      },
      done: { say: 'Thanks', end: true },
    },
  },
];
const context = (turn: number) => ({ turn, message: 'x' }) as unknown as TurnContext;

describe(nextPosition.name, () => {
  it('follows the first transition that holds, treating a failing condition as false', () => {
    expect(nextPosition(flows, { flow: 'qualify', state: 'ask' }, context(2))).toEqual({
      flow: 'qualify',
      state: 'ask',
    });
    expect(nextPosition(flows, { flow: 'qualify', state: 'ask' }, context(3))).toEqual({
      flow: 'qualify',
      state: 'done',
    });
  });

  it('stays put in a state without transitions or in an unknown flow', () => {
    expect(nextPosition(flows, { flow: 'qualify', state: 'done' }, context(9))).toEqual({
      flow: 'qualify',
      state: 'done',
    });
    expect(stateAt(flows, { flow: 'gone', state: 'ask' })).toBeNull();
    expect(stateAt(flows, null)).toBeNull();
  });
});

describe(validateFlows.name, () => {
  const ctas = new Set(['book']);

  it('accepts a valid flow, and refuses an unknown operator in a transition', () => {
    const valid = [{ ...flows[0], states: { ...flows[0].states, ask: { on: [flows[0].states.ask.on![1]] } } }];
    expect(validateFlows(valid, ctas)).toEqual([]);
    expect(validateFlows(flows, ctas)).toEqual([
      { field: 'flows.qualify.states.ask.on[0]', message: 'when: unknown JsonLogic operator "broken"' },
    ]);
  });

  it('names the field of every problem', () => {
    const problems = validateFlows(
      [
        {
          id: 'f',
          start: 'a',
          states: { a: { say: '', ctas: 'book', collect: ['ssn'], end: 'yes', extra: 1, on: {} }, B: 'x' },
        },
        { id: 'f', start: 'a', states: { a: { on: [{ to: 'a' }] } } },
        { id: 'Bad' },
      ],
      ctas,
    );
    expect(problems.map((p) => p.field)).toEqual([
      'flows.f.states.a',
      'flows.f.states.a.say',
      'flows.f.states.a.ctas',
      'flows.f.states.a.collect',
      'flows.f.states.a.end',
      'flows.f.states.a.on',
      'flows.f.states.B',
      'flows.f.states.B',
      'flows.f.id',
      'flows.f.states.a.on[0].when',
      'flows[2].id',
      'flows[2].states',
    ]);
    expect(validateFlows({}, ctas)).toEqual([{ field: 'flows', message: 'flows must be an array' }]);
  });
});
