import Redis from 'ioredis';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { ScriptedLlm } from 'test/chat/scripted-llm';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import type { TestApp } from 'test/support/test-app';

const session = (businessId: string, sessionId: string) => `/admin/business/${businessId}/sessions/${sessionId}`;
const FLOWS = [
  {
    id: 'qualify',
    start: 'ask_size',
    states: {
      ask_size: {
        say: 'Happy to help with pricing. How many technicians are on your team?',
        on: [{ when: { '!=': [{ var: 'message' }, ''] }, to: 'ask_email' }],
      },
      ask_email: {
        instruction: 'Thank them and ask for their email so we can send a quote.',
        collect: ['email'],
        on: [{ when: { '!!': [{ var: 'captured.email' }] }, to: 'done' }],
      },
      done: { say: 'Thanks! A quote is on its way.', ctas: ['book_appointment'], end: true },
    },
  },
];
const RULES = [
  {
    id: 'pricing_starts_qualify',
    when: { and: [{ '==': [{ var: 'intent.name' }, 'pricing'] }, { '==': [{ var: 'flow' }, null] }] },
    then: [{ startFlow: 'qualify' }],
  },
];

describe('Flows (chat)', () => {
  let t: TestApp;
  let redis: Redis;
  const llm = new ScriptedLlm();
  let businessId: string;

  beforeAll(async () => {
    t = await bootAppWith([[LlmProvider, llm]]);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
    businessId = await createTenant(t, { rules: RULES, flows: FLOWS });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });
  beforeEach(() => llm.reset());

  it.each([
    ['a start that is no state', [{ ...FLOWS[0], start: 'nowhere' }], 'flows.qualify.start', 'start must name'],
    [
      'a transition to an unknown state',
      [{ id: 'f', start: 'a', states: { a: { on: [{ when: true, to: 'b' }] } } }],
      'flows.f.states.a.on[0].to',
      'unknown state "b"',
    ],
    [
      'an unknown variable in a transition',
      [{ id: 'f', start: 'a', states: { a: { on: [{ when: { var: 'mood' }, to: 'a' }] } } }],
      'flows.f.states.a.on[0]',
      'unknown variable "mood"',
    ],
    [
      'an unknown CTA id in a state',
      [{ id: 'f', start: 'a', states: { a: { ctas: ['ghost'] } } }],
      'flows.f.states.a.ctas',
      'unknown CTA id(s) "ghost"',
    ],
    ['no states', [{ id: 'f', start: 'a', states: {} }], 'flows.f.states', 'at least one state'],
  ])('refuses %s with 400 and the field', async (_what, flows, field, message) => {
    const res = await t.http.post('/admin/business').set(t.admin).send({ businessId, flows, rules: [] }).expect(400);
    expect(res.body.code).toBe('TENANT.INVALID_CONFIG');
    expect(res.body.fields).toContainEqual({ path: field, message: expect.stringContaining(message) });
  });

  it('refuses a rule that starts an unknown flow or sets an unknown state', async () => {
    const res = await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({ businessId, rules: [{ id: 'go', when: true, then: [{ startFlow: 'book' }, { setState: 'nowhere' }] }] })
      .expect(400);
    expect(res.body.fields).toEqual([
      { path: 'rules.go.then[0]', message: 'startFlow: unknown flow "book"' },
      { path: 'rules.go.then[1]', message: 'setState: no flow has a state "nowhere"' },
    ]);
  });

  it('runs a flow step by step, survives a Redis eviction mid-flow, and ends', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const start = await c.send('How much does it cost?').expect(200);
    expect(start.body.response).toBe('Happy to help with pricing. How many technicians are on your team?');
    expect(llm.requests).toHaveLength(0);
    let stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.conversation.flow).toEqual({ flow: 'qualify', state: 'ask_size' });

    // Mid-flow the live session is lost; the position comes back from the transcript.
    await redis.del(`chat:${businessId}:${c.sessionId}`);
    await c.send('About 12 of us').expect(200);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0].systemInstruction).toContain('- Thank them and ask for their email so we can send a quote.');
    expect(llm.requests[0].systemInstruction).toContain('- Ask the visitor for their email address.');
    stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.metadata.recoveredFromTranscript).toBe(true);
    expect(stored.conversation.flow).toEqual({ flow: 'qualify', state: 'ask_email' });

    const done = await c.send('sure, it is jo@example.com').expect(200);
    expect(done.body.response).toBe('Thanks! A quote is on its way.');
    expect(done.body.ctas.map((x: { id: string }) => x.id)).toEqual(['book_appointment']);
    stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.conversation.flow).toBeNull();
    expect(stored.transcript.at(-1).payload).toMatchObject({
      flow: { flow: 'qualify', state: 'done' },
      flowEnded: true,
    });

    // Ended: the next message goes to the model, outside any flow, and a rebuilt session agrees.
    await redis.del(`chat:${businessId}:${c.sessionId}`);
    llm.reset();
    await c.send('Do you work weekends?').expect(200);
    expect(llm.requests).toHaveLength(1);
    stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.conversation.flow).toBeNull();
  });
});
