import { newSessionState } from 'src/conversation/session-state';
import { buildTurnContext, localTime, TURN_CONTEXT_VARIABLES } from 'src/understanding/turn-context';

describe(buildTurnContext.name, () => {
  const understanding = {
    intent: { name: 'pricing', confidence: 0.8, source: 'offline' as const },
    sentiment: { label: 'neutral' as const, score: 0 },
  };

  it('gathers the message, counts, reading, metadata, lead fields and local time of one turn', () => {
    const state = newSessionState('acme', 's-1', 'chat');
    state.conversation.turnCount = 2;
    state.captured = { email: 'ann@example.com' };
    state.locks = { email: true };
    state.clientMetadata = { plan: 'pro' };
    state.conversation.tags = ['vip'];
    const context = buildTurnContext({
      message: 'How much?',
      state,
      understanding,
      ctaId: 'pricing',
      timezone: 'America/New_York',
      now: new Date('2026-11-30T23:30:00Z'),
    });
    expect(context).toEqual({
      message: 'How much?',
      turn: 3,
      channel: 'chat',
      intent: { name: 'pricing', confidence: 0.8 },
      sentiment: { label: 'neutral', score: 0 },
      metadata: { plan: 'pro' },
      captured: { email: 'ann@example.com' },
      missing: ['firstName', 'phone'],
      flow: null,
      state: null,
      cta: 'pricing',
      variant: null,
      experiment: {},
      tags: ['vip'],
      time: { hour: 18, weekday: 'mon', date: '2026-11-30' },
    });
  });

  it('treats sessions stored before metadata and tags existed as having none', () => {
    const state = newSessionState('acme', 's-1', 'voice');
    delete state.clientMetadata;
    delete state.conversation.tags;
    const context = buildTurnContext({ message: 'hi', state, understanding, timezone: 'UTC' });
    expect(context).toMatchObject({ metadata: {}, tags: [], cta: null, channel: 'voice', turn: 1 });
  });

  it('documents a variable for every key of the context', () => {
    const state = newSessionState('acme', 's-1', 'chat');
    const context = buildTurnContext({ message: 'hi', state, understanding, timezone: 'UTC' });
    const leaves = Object.entries(context).flatMap(([k, v]) =>
      ['intent', 'sentiment', 'time'].includes(k) ? Object.keys(v as object).map((c) => `${k}.${c}`) : [k],
    );
    const documented = TURN_CONTEXT_VARIABLES.map((v) => v.replace('.*', ''));
    expect(new Set(leaves)).toEqual(new Set(documented));
  });
});

describe(localTime.name, () => {
  it('gives wall-clock hour, weekday and date in the zone, across midnight', () => {
    const at = new Date('2026-12-01T02:15:00Z');
    expect(localTime('UTC', at)).toEqual({ hour: 2, weekday: 'tue', date: '2026-12-01' });
    expect(localTime('America/Los_Angeles', at)).toEqual({ hour: 18, weekday: 'mon', date: '2026-11-30' });
    expect(localTime('Asia/Tokyo', at)).toEqual({ hour: 11, weekday: 'tue', date: '2026-12-01' });
  });

  it('reads the hour afresh when the minute changes, in a zone half an hour off UTC', () => {
    expect(localTime('Asia/Kolkata', new Date('2026-12-01T02:29:59Z')).hour).toBe(7);
    expect(localTime('Asia/Kolkata', new Date('2026-12-01T02:29:00Z')).hour).toBe(7);
    expect(localTime('Asia/Kolkata', new Date('2026-12-01T02:30:00Z')).hour).toBe(8);
    expect(localTime('Asia/Kolkata', new Date('2026-12-01T02:29:30Z')).hour).toBe(7);
  });

  it('hands each caller its own copy of a reading', () => {
    const at = new Date('2026-12-01T02:15:00Z');
    localTime('UTC', at).hour = 23;
    expect(localTime('UTC', at).hour).toBe(2);
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(localTime('Mars/Olympus', new Date('2026-12-01T00:05:00Z'))).toEqual({
      hour: 0,
      weekday: 'tue',
      date: '2026-12-01',
    });
  });
});
