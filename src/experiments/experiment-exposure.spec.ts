import { newSessionState } from 'src/conversation/session-state';
import { exposeVariants, replayExposure, turnVariables, variantKey } from 'src/experiments/experiment-exposure';

const assignments = [
  { experimentId: 'greet', variantId: 'warm' },
  { experimentId: 'menu', variantId: 'control' },
];

describe('experiment exposure', () => {
  it('records each experiment once per session, and the variants on every reply', () => {
    const state = newSessionState('acme', 's-1', 'chat');
    const first = exposeVariants(state, assignments);
    expect(first.events).toEqual([
      { type: 'experiment_exposure', payload: { experimentId: 'greet', variantId: 'warm' } },
      { type: 'experiment_exposure', payload: { experimentId: 'menu', variantId: 'control' } },
    ]);
    expect(first.meta).toEqual({ variants: { greet: 'warm', menu: 'control' } });
    const second = exposeVariants(state, assignments);
    expect(second.events).toEqual([]);
    expect(second.meta).toEqual(first.meta);
  });

  it('records nothing outside experiments', () => {
    expect(exposeVariants(newSessionState('acme', 's-1', 'chat'), [])).toEqual({ events: [], meta: {} });
  });

  it('restores the note from stored replies, so a rebuilt session is not exposed again', () => {
    const state = newSessionState('acme', 's-1', 'chat');
    replayExposure(state, { variants: { greet: 'warm', menu: 'control', junk: 3 } });
    expect(exposeVariants(state, assignments).events).toEqual([]);
    replayExposure(state, { variants: 'nonsense' });
    expect(exposeVariants(state, assignments).events).toEqual([]);
  });

  it('gives rules the variant of the first experiment and every experiment by id', () => {
    expect(turnVariables(assignments)).toEqual({ variant: 'warm', experiment: { greet: 'warm', menu: 'control' } });
    expect(turnVariables([])).toEqual({ variant: null, experiment: {} });
  });

  it('keys cached replies by every variant, and by none outside experiments', () => {
    expect(variantKey(assignments)).toBe('greet=warm&menu=control');
    expect(variantKey([])).toBeUndefined();
  });
});
