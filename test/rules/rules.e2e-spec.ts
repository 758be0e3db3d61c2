import Redis from 'ioredis';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { ScriptedLlm } from 'test/chat/scripted-llm';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import type { TestApp } from 'test/support/test-app';

const session = (businessId: string, sessionId: string) => `/admin/business/${businessId}/sessions/${sessionId}`;
const pricing = { '==': [{ var: 'intent.name' }, 'pricing'] };

const PROFILES = { sales: { primaryGoal: 'Book a discovery call with the sales team', personality: 'Brisk closer' } };
const RULES = [
  'Always answer in English.',
  {
    id: 'complaint_handoff',
    description: 'Unhappy visitors go to a person',
    when: { and: [{ '==': [{ var: 'intent.name' }, 'complaint'] }, { '>=': [{ var: 'intent.confidence' }, 0.4] }] },
    then: [{ handoff: { reason: 'complaint' } }, { tag: 'unhappy' }],
    stop: true,
  },
  {
    id: 'hours_fixed',
    when: { in: ['opening hours', { var: 'message' }] },
    then: [{ reply: 'We are open 8am to 6pm, Monday to Friday.' }, { showCtas: ['book_appointment'] }],
    stop: true,
  },
  {
    id: 'pricing_sales',
    when: pricing,
    then: [
      { profile: 'sales' },
      { instruction: 'Mention the free first consultation.' },
      { tag: 'pricing_interest' },
      { setMetadata: { stage: 'quote' } },
      { showCtas: ['pricing'] },
      { collect: ['email'] },
    ],
  },
  { id: 'voice_only', when: true, then: [{ tag: 'caller' }], channels: ['voice'] },
  {
    id: 'no_support_menu_for_quotes',
    when: { '==': [{ var: 'metadata.stage' }, 'quote'] },
    then: [{ hideCtas: ['support'] }],
  },
];

describe('Rules and prompt profiles (chat)', () => {
  let t: TestApp;
  let redis: Redis;
  const llm = new ScriptedLlm();
  let businessId: string;

  beforeAll(async () => {
    t = await bootAppWith([[LlmProvider, llm]]);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
    businessId = await createTenant(t, { rules: RULES, profiles: PROFILES });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });
  beforeEach(() => llm.reset());

  describe('validation on save', () => {
    const save = (body: Record<string, unknown>) =>
      t.http
        .post('/admin/business')
        .set(t.admin)
        .send({ businessId, ...body });
    const rule = (over: Record<string, unknown>) => ({ id: 'bad_rule', when: pricing, then: [{ tag: 'x' }], ...over });

    it.each([
      [
        'an unknown variable',
        { when: { '==': [{ var: 'intnt.name' }, 'pricing'] } },
        'rules.bad_rule.when',
        'unknown variable "intnt.name"',
      ],
      [
        'an unknown JsonLogic operator',
        { when: { regex: ['a', 'b'] } },
        'rules.bad_rule.when',
        'unknown JsonLogic operator "regex"',
      ],
      [
        'malformed JsonLogic',
        { when: { '==': [1, 1], '>': [2, 1] } },
        'rules.bad_rule.when',
        'exactly one operator key',
      ],
      ['a missing condition', { when: undefined }, 'rules.bad_rule.when', 'when is required'],
      ['an unknown action', { then: [{ launch: 'rocket' }] }, 'rules.bad_rule.then[0]', 'unknown action "launch"'],
      ['an unknown CTA id', { then: [{ showCtas: ['ghost'] }] }, 'rules.bad_rule.then[0]', 'unknown CTA id(s) "ghost"'],
      ['an unknown profile', { then: [{ profile: 'support' }] }, 'rules.bad_rule.then[0]', 'unknown profile "support"'],
      ['an unknown lead field', { then: [{ collect: ['ssn'] }] }, 'rules.bad_rule.then[0]', 'collect must be'],
      ['a bad channel', { channels: ['fax'] }, 'rules.bad_rule.channels', 'channels must be'],
    ])('refuses %s with 400, the rule id and the problem in fields', async (_what, over, field, message) => {
      const res = await save({ rules: [rule(over)] }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'TENANT.INVALID_CONFIG' });
      expect(res.body.fields).toEqual([{ field, message: expect.stringContaining(message) }]);
      expect(res.body.message).toContain(field);
    });

    it('refuses a bad profile, and lists every problem at once', async () => {
      const res = await save({
        profiles: { Sales: { tone: 'x' } },
        rules: [rule({ when: { var: 'nope' }, then: [{ explode: 1 }] })],
      }).expect(400);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual([
        'profiles.Sales',
        'profiles.Sales.tone',
        'rules.bad_rule.when',
        'rules.bad_rule.then[0]',
      ]);
    });

    it('checks the merged config: removing a CTA or profile a stored rule uses is refused, and nothing is saved', async () => {
      const before = (await t.http.get(`/admin/business/${businessId}`).set(t.admin).expect(200)).body.config;
      const tree = { ...before.ctaTree };
      delete tree.pricing;
      tree.sales = { ...tree.sales, children: ['book_appointment'] };
      const noCta = await save({ ctaTree: tree }).expect(400);
      expect(noCta.body.fields).toEqual([
        { field: 'rules.pricing_sales.then[4]', message: 'showCtas: unknown CTA id(s) "pricing"' },
      ]);
      const noProfile = await save({ profiles: null }).expect(400);
      expect(noProfile.body.fields).toEqual([
        { field: 'rules.pricing_sales.then[0]', message: 'profile: unknown profile "sales"' },
      ]);
      const after = (await t.http.get(`/admin/business/${businessId}`).set(t.admin).expect(200)).body.config;
      expect(after.version).toBe(before.version);
      expect(after.profiles).toEqual(PROFILES);
    });
  });

  it('answers with a rule reply without calling the model, and records the rule id with the reply', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const res = await c.send('What are your opening hours?').expect(200);
    expect(res.body.response).toBe('We are open 8am to 6pm, Monday to Friday.');
    expect(res.body.ctas.map((x: { id: string }) => x.id)).toEqual(['book_appointment']);
    expect(llm.requests).toHaveLength(0);
    const stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.transcript.at(-1)).toMatchObject({ role: 'assistant', payload: { rules: ['hours_fixed'] } });
  });

  it('steers the model with the profile and the turn instruction, keeps the profile, and drops the instruction', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const res = await c.send('How much does it cost?').expect(200);
    const first = llm.requests[0].systemInstruction;
    expect(first).toContain('Primary goal: Book a discovery call with the sales team');
    expect(first).toContain('Personality: Brisk closer');
    expect(first).toContain('- Mention the free first consultation.');
    expect(first).toContain('- Ask the visitor for their email address.');
    expect(first).toContain('1) Always answer in English.');
    // Rule objects steer the engine; they are never pasted into the prompt.
    expect(first).not.toContain('pricing_sales');
    // Rule buttons first; the support menu hidden by the rule that reads the metadata the first one set.
    expect(res.body.ctas.map((x: { id: string }) => x.id)).toEqual(['pricing']);

    await c.send('Do you work weekends?').expect(200);
    const second = llm.requests[1].systemInstruction;
    expect(second).toContain('Primary goal: Book a discovery call with the sales team');
    expect(second).not.toContain('free first consultation');

    const stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.conversation).toMatchObject({ profile: 'sales', tags: ['pricing_interest'] });
    expect(stored.clientMetadata).toEqual({ stage: 'quote' });
    const replies = stored.transcript.filter((m: { role: string }) => m.role === 'assistant');
    expect(replies[1].payload).toMatchObject({
      rules: ['pricing_sales', 'no_support_menu_for_quotes'],
      profile: 'sales',
      tags: ['pricing_interest'],
      setMetadata: { stage: 'quote' },
      collect: ['email'],
    });
  });

  it('puts a hand-off in the decision, stops at a stop rule, and skips voice-only rules on chat', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    await c.send('I want to make a complaint about your terrible service').expect(200);
    const stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.transcript.at(-1).payload).toMatchObject({
      rules: ['complaint_handoff'],
      handoff: { reason: 'complaint' },
      tags: ['unhappy'],
    });
    expect(stored.conversation.tags).toEqual(['unhappy']);
  });

  it('keeps tags, rule metadata and the profile across a Redis eviction', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    await c.send('What are your prices?').expect(200);
    await redis.del(`chat:${businessId}:${c.sessionId}`);
    llm.reset();
    await c.send('Do you work weekends?').expect(200);
    expect(llm.requests[0].systemInstruction).toContain('Primary goal: Book a discovery call with the sales team');
    const rebuilt = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
    expect(rebuilt.metadata.recoveredFromTranscript).toBe(true);
    expect(rebuilt.conversation).toMatchObject({ profile: 'sales', tags: ['pricing_interest'] });
    expect(rebuilt.clientMetadata).toEqual({ stage: 'quote' });
  });
});
