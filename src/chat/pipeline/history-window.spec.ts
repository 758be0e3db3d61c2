import type { LlmTurn } from 'src/chat/llm-provider.port';
import { appendWithinWindow, contextTurns } from 'src/chat/pipeline/history-window';

const exchange = (n: number): LlmTurn[] => [
  { role: 'user', text: `q${n}` },
  { role: 'model', text: `a${n}` },
];

describe(appendWithinWindow.name, () => {
  it('keeps everything while the window has room, without summarizing', async () => {
    const summarize = jest.fn<Promise<string>, [string | null, LlmTurn[]]>();
    const out = await appendWithinWindow({ history: exchange(1), summary: null }, exchange(2), 2, summarize);
    expect(out.history).toHaveLength(4);
    expect(summarize).not.toHaveBeenCalled();
  });

  it('folds the oldest turns into the summary when the window overflows', async () => {
    const summarize = jest.fn(async (prev: string | null, turns: LlmTurn[]) => `${prev ?? ''}|${turns.length}`);
    const out = await appendWithinWindow(
      { history: [...exchange(1), ...exchange(2)], summary: 'S' },
      exchange(3),
      2,
      summarize,
    );
    expect(out.history).toEqual([...exchange(2), ...exchange(3)]);
    expect(out.summary).toBe('S|2');
  });

  it('stays bounded over a long conversation', async () => {
    let state = { history: [] as LlmTurn[], summary: null as string | null };
    for (let i = 0; i < 50; i++) state = await appendWithinWindow(state, exchange(i), 3, async () => 'sum');
    expect(state.history.filter((t) => t.role === 'user')).toHaveLength(3);
  });

  it('still drops old turns when summarizing fails', async () => {
    const out = await appendWithinWindow({ history: exchange(1), summary: 'old' }, exchange(2), 1, () =>
      Promise.reject(new Error('down')),
    );
    expect(out).toEqual({ history: exchange(2), summary: 'old' });
  });
});

describe(contextTurns.name, () => {
  it('puts the summary first as a user-side context turn, never in the system role', () => {
    const turns = contextTurns({ history: exchange(1), summary: 'they asked about pricing' });
    expect(turns[0]).toMatchObject({ role: 'user' });
    expect(turns[0].role === 'user' && turns[0].text).toContain('they asked about pricing');
    expect(turns.slice(2)).toEqual(exchange(1));
  });
});
