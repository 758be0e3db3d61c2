import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { bucketOf, pickVariant } from 'src/experiments/experiment-assignment';
import { sampleRatioMismatch } from 'src/experiments/experiment-statistics';
import { ExperimentsService } from 'src/experiments/experiments.service';
import { TenantService } from 'src/tenant/tenant.service';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { ScriptedLlm } from 'test/chat/scripted-llm';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import type { TestApp } from 'test/support/test-app';

/** Computed independently with scipy (Wilson/Newcombe by formula, Beta posteriors by Evan Miller's closed form). */
const REF = {
  diffLow: 0.016460132492672225,
  diffHigh: 0.28440871893332986,
  beats: 0.9855366713349829,
  srmP: 0.9437681928745766,
  handoffBeats: 0.9139121376452459,
};
/** The 1:1 split of session-0 … session-3999 of business "fixed-business": SHA-256 does not change. */
const FIXED_SPLIT = { control: 1989, warm: 2011 };
const WARM_GREETING = 'Hello friend! Tell me what is leaking and I will help.';
const VARIANTS = [
  { id: 'control', weight: 1, overrides: {} },
  { id: 'warm', weight: 1, overrides: { greetingMessage: WARM_GREETING } },
];
const greetingTest = (over: Record<string, unknown> = {}) => ({
  id: 'greet',
  status: 'running',
  goal: 'lead_captured',
  variants: VARIANTS,
  ...over,
});
// A rule that reads the variant: only the warm arm gets the fixed answer.
const WARM_RULE = {
  id: 'warm_hours',
  when: {
    and: [{ '==': [{ var: 'experiment.greet' }, 'warm'] }, { in: ['opening hours', { var: 'message' }] }],
  },
  then: [{ reply: 'Warm arm: we are open 8 to 6.' }],
};

describe('A/B experiments', () => {
  let t: TestApp;
  let db: DataSource;
  let redis: Redis;
  const llm = new ScriptedLlm();

  beforeAll(async () => {
    t = await bootAppWith([[LlmProvider, llm]]);
    db = t.app.get(DataSource);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const save = (businessId: string, body: Record<string, unknown>) =>
    t.http
      .post('/admin/business')
      .set(t.admin)
      .send({ businessId, ...body });
  const stored = async (businessId: string) =>
    (await t.http.get(`/admin/business/${businessId}`).set(t.admin).expect(200)).body.config.experiments as {
      id: string;
      status: string;
      startedAt?: string;
    }[];
  /** A session id the deterministic assignment puts in `variant`. */
  const sessionIn = (businessId: string, variant: string): ReturnType<typeof randomUUID> => {
    for (;;) {
      const id = randomUUID();
      if (pickVariant(VARIANTS, bucketOf(businessId, 'greet', id)).id === variant) return id;
    }
  };
  const exposures = async (businessId: string, sessionId: string) =>
    (
      await db.query<{ payload: Record<string, string> }[]>(
        `SELECT payload FROM analytics_events WHERE business_id = $1 AND session_id = $2 AND type = 'experiment_exposure'`,
        [businessId, sessionId],
      )
    ).map((r) => r.payload);

  describe('config validation', () => {
    let businessId: string;
    beforeAll(async () => {
      businessId = await createTenant(t);
    });

    it.each([
      ['one variant', { variants: [VARIANTS[0]] }, 'experiments[0].variants', '2 to 10 variants'],
      [
        'a zero weight',
        { variants: [VARIANTS[0], { ...VARIANTS[1], weight: 0 }] },
        'experiments[0].variants[1].weight',
        'above 0',
      ],
      [
        'duplicate variant ids',
        { variants: [VARIANTS[0], { ...VARIANTS[1], id: 'control' }] },
        'experiments[0].variants[1].id',
        'duplicate variant id',
      ],
      ['an unknown goal', { goal: 'bought_something' }, 'experiments[0].goal', 'goal must be'],
      ['a goal naming a missing CTA', { goal: 'cta_clicked:ghost' }, 'experiments[0].goal', 'names CTA "ghost"'],
      ['a bad status', { status: 'live' }, 'experiments[0].status', 'status must be'],
      [
        'an override of a field variants may not replace',
        { variants: [VARIANTS[0], { id: 'b', weight: 1, overrides: { businessName: 'Other' } }] },
        'experiments[0].variants[1].overrides.businessName',
        'may only replace',
      ],
      [
        'an override rule naming an unknown CTA',
        {
          variants: [
            VARIANTS[0],
            { id: 'b', weight: 1, overrides: { rules: [{ id: 'r1', when: true, then: [{ showCtas: ['ghost'] }] }] } },
          ],
        },
        'experiments[0].variants[1].overrides.rules.r1.then[0]',
        'unknown CTA id(s) "ghost"',
      ],
      [
        'an override profile that does not exist',
        { variants: [VARIANTS[0], { id: 'b', weight: 1, overrides: { profile: 'sales' } }] },
        'experiments[0].variants[1].overrides.profile',
        'not in profiles',
      ],
    ])('refuses %s with a coded 400 naming the field', async (_what, over, path, message) => {
      const res = await save(businessId, { experiments: [greetingTest(over)] }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'TENANT.INVALID_CONFIG' });
      expect(res.body.fields).toContainEqual({ path, message: expect.stringContaining(message) });
      expect(await stored(businessId)).toEqual([]);
    });

    it('refuses two running experiments that override the same field', async () => {
      const res = await save(businessId, {
        experiments: [greetingTest(), greetingTest({ id: 'greet2' })],
      }).expect(400);
      expect(res.body.fields).toEqual([
        { path: 'experiments[1]', message: expect.stringContaining('both override greetingMessage') },
      ]);
    });
  });

  describe('locking a started experiment', () => {
    let businessId: string;
    beforeAll(async () => {
      businessId = await createTenant(t, { experiments: [greetingTest({ status: 'draft' })] });
    });

    it('lets a draft change, then stamps startedAt when it starts and keeps it', async () => {
      await save(businessId, {
        experiments: [greetingTest({ status: 'draft', variants: [VARIANTS[0], { ...VARIANTS[1], weight: 2 }] })],
      }).expect(200);
      expect((await stored(businessId))[0].startedAt).toBeUndefined();
      const started = await save(businessId, {
        experiments: [greetingTest({ variants: [VARIANTS[0], { ...VARIANTS[1], weight: 2 }] })],
      }).expect(200);
      const startedAt = started.body.config.experiments[0].startedAt as string;
      expect(Date.now() - Date.parse(startedAt)).toBeLessThan(60_000);
      await save(businessId, {
        experiments: [
          greetingTest({
            status: 'paused',
            startedAt: '2020-01-01T00:00:00.000Z',
            variants: [VARIANTS[0], { ...VARIANTS[1], weight: 2 }],
          }),
        ],
      }).expect(200);
      expect((await stored(businessId))[0]).toMatchObject({ status: 'paused', startedAt });
    });

    it('refuses with 409 changing the variants or goal of a running or paused experiment, or removing it', async () => {
      const current = [VARIANTS[0], { ...VARIANTS[1], weight: 2 }];
      await save(businessId, { experiments: [greetingTest({ variants: current })] }).expect(200);
      const changed = await save(businessId, { experiments: [greetingTest({ variants: VARIANTS })] }).expect(409);
      expect(changed.body).toMatchObject({ statusCode: 409, code: 'EXPERIMENTS.LOCKED' });
      expect(changed.body.message).toContain('variants cannot change');
      const goal = await save(businessId, {
        experiments: [greetingTest({ variants: current, goal: 'engaged' })],
      }).expect(409);
      expect(goal.body.code).toBe('EXPERIMENTS.LOCKED');
      expect((await save(businessId, { experiments: [] }).expect(409)).body.code).toBe('EXPERIMENTS.LOCKED');
      expect((await stored(businessId))[0]).toMatchObject({ status: 'running' });
    });

    it('lets a stopped experiment go, but never run again', async () => {
      const current = [VARIANTS[0], { ...VARIANTS[1], weight: 2 }];
      await save(businessId, { experiments: [greetingTest({ variants: current, status: 'stopped' })] }).expect(200);
      const again = await save(businessId, { experiments: [greetingTest({ variants: current })] }).expect(409);
      expect(again.body.code).toBe('EXPERIMENTS.INVALID_TRANSITION');
      await save(businessId, { experiments: [] }).expect(200);
    });
  });

  describe('assignment and exposure in chat', () => {
    let businessId: string;
    beforeAll(async () => {
      businessId = await createTenant(t, { experiments: [greetingTest()], rules: [WARM_RULE] });
    });
    beforeEach(() => llm.reset());

    it('greets each arm with its own greeting and records the variant on every reply, exposed once per session', async () => {
      const warm = chatter(t.http, businessId, sessionIn(businessId, 'warm'));
      const control = chatter(t.http, businessId, sessionIn(businessId, 'control'));
      expect((await warm.send('hi').expect(200)).body.response).toContain(WARM_GREETING);
      const plain = (await control.send('hi').expect(200)).body.response as string;
      expect(plain).toContain('Hi, welcome to Acme Plumbing!');
      expect(plain).not.toContain(WARM_GREETING);
      await warm.send('do you fix boilers?').expect(200);
      await warm.send('and radiators?').expect(200);

      expect(await exposures(businessId, warm.sessionId)).toEqual([{ experimentId: 'greet', variantId: 'warm' }]);
      expect(await exposures(businessId, control.sessionId)).toEqual([{ experimentId: 'greet', variantId: 'control' }]);
      const replies = await db.query<{ payload: { variants?: unknown } }[]>(
        `SELECT m.payload FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.business_id = $1 AND c.session_id = $2 AND m.role = 'assistant' ORDER BY m.id`,
        [businessId, warm.sessionId],
      );
      expect(replies.map((r) => r.payload.variants)).toEqual([{ greet: 'warm' }, { greet: 'warm' }, { greet: 'warm' }]);
    });

    it('keeps the session in its variant and exposed once after the live session is lost (rebuilt from the transcript)', async () => {
      const warm = chatter(t.http, businessId, sessionIn(businessId, 'warm'));
      await warm.send('hi').expect(200);
      await redis.del(`chat:${businessId}:${warm.sessionId}`);
      await warm.send('what are your opening hours?').expect(200);
      expect(await exposures(businessId, warm.sessionId)).toHaveLength(1);
    });

    it('lets a rule read the variant', async () => {
      const warm = chatter(t.http, businessId, sessionIn(businessId, 'warm'));
      const control = chatter(t.http, businessId, sessionIn(businessId, 'control'));
      await warm.send('hi').expect(200);
      await control.send('hi').expect(200);
      expect((await warm.send('what are your opening hours?').expect(200)).body.response).toBe(
        'Warm arm: we are open 8 to 6.',
      );
      expect((await control.send('what are your opening hours?').expect(200)).body.response).not.toContain('Warm arm');
    });

    it('splits many sessions by the weights, the same way every time, and passes the sample-ratio check', async () => {
      const experiments = t.app.get(ExperimentsService);
      const config = await t.app.get(TenantService).get(businessId);
      // The hash covers the business id, which is random per run: the counts are stable for one business.
      const count = () => {
        const n = { control: 0, warm: 0 };
        for (let i = 0; i < 4000; i++)
          n[experiments.assign(config, `session-${i}`).assignments[0].variantId as 'control' | 'warm']++;
        return n;
      };
      const first = count();
      expect(count()).toEqual(first);
      expect(first.control + first.warm).toBe(4000);
      expect(Math.abs(first.control - 2000)).toBeLessThan(200);
      expect(sampleRatioMismatch([first.control, first.warm], [1, 1]).mismatch).toBe(false);
      const fixed = { ...config, businessId: 'fixed-business' };
      const n = { control: 0, warm: 0 };
      for (let i = 0; i < 4000; i++)
        n[experiments.assign(fixed, `session-${i}`).assignments[0].variantId as 'control' | 'warm']++;
      expect(n).toEqual(FIXED_SPLIT);
    });
  });

  describe('results', () => {
    let businessId: string;
    const results = (id: string, eid: string) => `/admin/business/${id}/experiments/${eid}/results`;

    /** `exposed` sessions of a variant, `converted` of which capture a lead after the exposure. */
    async function seed(experimentId: string, variantId: string, exposed: number, converted: number) {
      const sessions = Array.from({ length: exposed }, () => randomUUID());
      await db.query(
        `INSERT INTO analytics_events (business_id, session_id, channel, type, payload)
         SELECT $1, s, 'chat', 'experiment_exposure', jsonb_build_object('experimentId', $2::text, 'variantId', $3::text)
         FROM unnest($4::text[]) s`,
        [businessId, experimentId, variantId, sessions],
      );
      await db.query(
        `INSERT INTO analytics_events (business_id, session_id, channel, type, payload)
         SELECT $1, s, 'chat', 'lead_captured', '{"fields":["email"]}' FROM unnest($2::text[]) s`,
        [businessId, sessions.slice(0, converted)],
      );
      await db.query(
        `INSERT INTO handoffs (business_id, session_id, channel, reason, status, created_at)
         SELECT $1, s, 'chat', 'test', 'released', now() + interval '1 second' FROM unnest($2::text[]) s`,
        [businessId, sessions.slice(0, converted)],
      );
      return sessions;
    }

    beforeAll(async () => {
      businessId = await createTenant(t, {
        experiments: [
          greetingTest(),
          {
            ...greetingTest({ id: 'handoffs', goal: 'handoff' }),
            variants: [
              { id: 'a', weight: 1, overrides: {} },
              { id: 'b', weight: 1, overrides: { personality: 'Patient' } },
            ],
          },
        ],
      });
      const control = await seed('greet', 'control', 100, 45);
      await seed('greet', 'warm', 100, 60);
      // A lead captured before the exposure does not count, nor does a second exposure of the same session.
      const late = randomUUID();
      await db.query(
        `INSERT INTO analytics_events (business_id, session_id, channel, type, payload)
         VALUES ($1, $2, 'chat', 'lead_captured', '{}'),
                ($1, $2, 'chat', 'experiment_exposure', '{"experimentId":"greet","variantId":"control"}')`,
        [businessId, late],
      );
      await db.query(
        `INSERT INTO analytics_events (business_id, session_id, channel, type, payload)
         VALUES ($1, $2, 'chat', 'experiment_exposure', '{"experimentId":"greet","variantId":"warm"}')`,
        [businessId, control[0]],
      );
      await seed('handoffs', 'a', 50, 10);
      await seed('handoffs', 'b', 50, 5);
    });

    it('reports exposures, conversions, Wilson intervals, the Newcombe difference, P(beats control) and the SRM check', async () => {
      const res = await t.http.get(results(businessId, 'greet')).set(t.admin).expect(200);
      expect(res.body).toMatchObject({
        experimentId: 'greet',
        goal: 'lead_captured',
        lowerIsBetter: false,
        control: 'control',
      });
      const [control, warm] = res.body.variants;
      expect(control).toMatchObject({ variantId: 'control', exposed: 101, conversions: 45, differenceToControl: null });
      expect(warm).toMatchObject({ variantId: 'warm', exposed: 100, conversions: 60, rate: 0.6 });
      // References: Wilson 60/100 = [0.5020, 0.6906]; Newcombe 60/100 − 45/101 and P(θw > θc) with Beta(1,1)
      // priors from scipy (see the unit spec for the method).
      expect(warm.rateInterval.low).toBeCloseTo(0.502, 3);
      expect(warm.rateInterval.high).toBeCloseTo(0.6906, 3);
      expect(warm.differenceToControl.difference).toBeCloseTo(0.6 - 45 / 101, 10);
      expect(warm.differenceToControl.low).toBeCloseTo(REF.diffLow, 4);
      expect(warm.differenceToControl.high).toBeCloseTo(REF.diffHigh, 4);
      expect(warm.probabilityToBeatControl).toBeCloseTo(REF.beats, 6);
      expect(res.body.sampleRatioMismatch).toMatchObject({ degreesOfFreedom: 1, mismatch: false, threshold: 0.001 });
      expect(res.body.sampleRatioMismatch.pValue).toBeCloseTo(REF.srmP, 6);
    });

    it('says fewer is better for the handoff goal and turns the probability around', async () => {
      const res = await t.http.get(results(businessId, 'handoffs')).set(t.admin).expect(200);
      expect(res.body.lowerIsBetter).toBe(true);
      const [, b] = res.body.variants;
      expect(b).toMatchObject({ exposed: 50, conversions: 5 });
      // P(θb < θa) for 5/50 against 10/50.
      expect(b.probabilityToBeatControl).toBeCloseTo(REF.handoffBeats, 6);
    });

    it('answers 404 for an unknown experiment or business', async () => {
      const missing = await t.http.get(results(businessId, 'nope')).set(t.admin).expect(404);
      expect(missing.body.code).toBe('EXPERIMENTS.NOT_FOUND');
      expect((await t.http.get(results('no-such-biz', 'greet')).set(t.admin).expect(404)).body.code).toBe(
        'TENANT.NOT_FOUND',
      );
    });
  });
});
