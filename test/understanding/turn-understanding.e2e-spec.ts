import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { chatter, createTenant, parseSse } from 'test/chat/chat.support';
import { businessFactory } from 'test/factories/business.factory';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';
import { GOACCEL_INTENTS } from 'test/understanding/goaccel-intents';

const GREETING = 'Hi, welcome to Acme Plumbing!\n\nAsk me anything or pick an option below.';
const session = (businessId: string, sessionId: string) => `/admin/business/${businessId}/sessions/${sessionId}`;

async function streamed(t: TestApp, body: Record<string, unknown>) {
  const res = await t.http
    .post('/chat/stream')
    .send(body)
    .buffer(true)
    .parse((r, done) => {
      let text = '';
      r.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      r.on('end', () => done(null, text));
    });
  return parseSse(res.body as string);
}

describe('Intents, sentiment, session metadata and the first message (offline)', () => {
  let t: TestApp;
  let businessId: string;
  let redis: Redis;

  beforeAll(async () => {
    t = await bootTestApp({ SESSION_TTL_SECONDS: '3600' });
    businessId = await createTenant(t, { intents: GOACCEL_INTENTS, timezone: 'America/New_York' });
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  describe("a new session's first message", () => {
    it('gets the greeting AND an answer when it is a real question (/chat)', async () => {
      const c = chatter(t.http, businessId);
      const res = await c.send('What are your opening hours?').expect(200);
      const text = res.body.response as string;
      expect(text.startsWith(`${GREETING}\n\n`)).toBe(true);
      // The answer part: the offline provider's reply to the question, not a second copy of the greeting.
      expect(text.slice(GREETING.length).trim().length).toBeGreaterThan(20);
      expect(res.body.ctas.map((x: { id: string }) => x.id)).toEqual(['sales', 'support', 'book_appointment']);
      const stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
      expect(stored.transcript.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
      expect(stored.conversation).toMatchObject({ greeted: true, turnCount: 1 });
    });

    it('gets the greeting AND an answer on /chat/stream, the deltas adding up to the final reply', async () => {
      const c = chatter(t.http, businessId);
      const events = await streamed(t, c.body('Do you fix leaking taps?'));
      const done = events.find((e) => e.event === 'done')!.data as { response: string };
      const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
      expect(done.response.startsWith(`${GREETING}\n\n`)).toBe(true);
      expect(done.response.length).toBeGreaterThan(GREETING.length + 20);
      expect(deltas.join('')).toBe(done.response);
    });

    it('answers a first booking request with the greeting and the booking button', async () => {
      const c = chatter(t.http, businessId);
      const res = await c.send('Can I book an appointment for Tuesday?').expect(200);
      expect(res.body.response).toMatch(/^Hi, welcome to Acme Plumbing![\s\S]*book a time/);
      expect(res.body.ctas.map((x: { id: string }) => x.id)).toEqual(['book_appointment']);
    });

    it.each(['/chat', '/chat/stream'])(
      'with session_id "new" on %s starts a session and gets the greeting AND the answer',
      async (path) => {
        const res = await t.http
          .post(path)
          .send({ business_id: businessId, session_id: 'new', message: 'What are your prices?' })
          .buffer(true)
          .parse((r, done) => {
            let text = '';
            r.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
            r.on('end', () => done(null, text));
          });
        expect(res.status).toBe(200);
        const reply = (
          path === '/chat'
            ? JSON.parse(res.body as string)
            : parseSse(res.body as string).find((e) => e.event === 'done')!.data
        ) as { response: string; session_id: string };
        expect(reply.session_id).toMatch(/^[0-9a-f-]{36}$/);
        expect(reply.response.startsWith(`${GREETING}\n\n`)).toBe(true);
        expect(reply.response.length).toBeGreaterThan(GREETING.length + 20);
      },
    );

    it('gets only the greeting when it is just a hello', async () => {
      const c = chatter(t.http, businessId);
      const res = await c.send('hey there!').expect(200);
      expect(res.body.response).toBe(GREETING);
    });
  });

  describe('intent and sentiment of each user message', () => {
    it('are stored on the transcript row, in the analytics event and shown by the admin session view', async () => {
      const c = chatter(t.http, businessId);
      await c.send('hi').expect(200);
      await c.send('How much does it cost per month?').expect(200);
      await c.send('I am not happy with your service at all').expect(200);
      await c.send('Do you work with HVAC contractors?').expect(200);
      const stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
      const users = stored.transcript.filter((m: { role: string }) => m.role === 'user');
      expect(users.map((m: { intent: { name: string } }) => m.intent.name)).toEqual([
        'greeting',
        'pricing',
        'complaint',
        'industries',
      ]);
      expect(users[2].sentiment.label).toBe('negative');
      expect(users[2].sentiment.score).toBeLessThan(0);
      expect(users[1].intent.confidence).toBeGreaterThan(0);
      for (const m of stored.transcript.filter((x: { role: string }) => x.role !== 'user')) {
        expect(m.intent).toBeNull();
        expect(m.sentiment).toBeNull();
      }
      const events = (await t.app
        .get(DataSource)
        .query(
          `SELECT payload FROM analytics_events WHERE business_id = $1 AND session_id = $2 AND type = 'user_message' ORDER BY id`,
          [businessId, c.sessionId],
        )) as Array<{ payload: Record<string, unknown> }>;
      expect(events.map((e) => e.payload.intent)).toEqual(['greeting', 'pricing', 'complaint', 'industries']);
      expect(events[2].payload).toMatchObject({ sentiment: 'negative' });
      expect(typeof events[2].payload.sentimentScore).toBe('number');
    });

    it('reads "not happy" as negative and "very happy" as positive', async () => {
      const c = chatter(t.http, businessId);
      await c.send('hi').expect(200);
      await c.send('I am not happy').expect(200);
      await c.send('I am very happy with how fast you answered').expect(200);
      const stored = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
      const labels = stored.transcript
        .filter((m: { role: string }) => m.role === 'user')
        .map((m: { sentiment: { label: string } }) => m.sentiment.label);
      expect(labels).toEqual(['neutral', 'negative', 'positive']);
    });
  });

  describe('session metadata', () => {
    it('is merged into the session key by key and survives a Redis eviction', async () => {
      const c = chatter(t.http, businessId);
      await c.send('hi', { metadata: { page: 'https://acme.example/', plan: 'free', returning: false } }).expect(200);
      await c
        .send('What are your hours?', { metadata: { page: 'https://acme.example/pricing', visits: 3 } })
        .expect(200);
      const expected = { page: 'https://acme.example/pricing', plan: 'free', returning: false, visits: 3 };
      expect((await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body.clientMetadata).toEqual(expected);

      await redis.del(`chat:${businessId}:${c.sessionId}`);
      await c.send('Do you work weekends?').expect(200);
      const rebuilt = (await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body;
      expect(rebuilt.metadata.recoveredFromTranscript).toBe(true);
      expect(rebuilt.clientMetadata).toEqual(expected);
    });

    it('is accepted on /chat/stream too', async () => {
      const c = chatter(t.http, businessId);
      const events = await streamed(t, c.body('hello', { metadata: { locale: 'fr-FR' } }));
      expect(events.at(-1)!.event).toBe('done');
      expect((await t.http.get(session(businessId, c.sessionId)).set(t.admin)).body.clientMetadata).toEqual({
        locale: 'fr-FR',
      });
    });

    it.each([
      ['a key with a space', { 'bad key': 'x' }, /metadata key "bad key"/],
      ['a key over 40 characters', { ['k'.repeat(41)]: 'x' }, /must match/],
      ['a nested object', { utm: { source: 'x' } }, /metadata.utm must be a string/],
      ['a null value', { plan: null }, /metadata.plan must be/],
      ['21 keys', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])), /at most 20 keys/],
      ['more than 2 KB', { a: 'x'.repeat(2100) }, /at most 2048 bytes/],
    ])(
      'is refused with 400 CHAT.INVALID_METADATA for %s, on /chat and /chat/stream, writing nothing',
      async (_what, metadata, message) => {
        const c = chatter(t.http, businessId);
        for (const path of ['/chat', '/chat/stream']) {
          const res = await t.http.post(path).send(c.body('hello', { metadata }));
          expect(res.status).toBe(400);
          expect(res.body.code).toBe('CHAT.INVALID_METADATA');
          expect(res.body.message).toMatch(message);
        }
        expect((await t.http.get(session(businessId, c.sessionId)).set(t.admin)).status).toBe(404);
      },
    );

    it('is refused with 400 when it is not an object', async () => {
      const c = chatter(t.http, businessId);
      const res = await t.http.post('/chat').send(c.body('hello', { metadata: ['a'] }));
      expect(res.status).toBe(400);
    });
  });
});

describe('Business intents and timezone configuration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  it('saves intents and timezone and returns them with the config', async () => {
    const body = businessFactory.build({ intents: GOACCEL_INTENTS.slice(0, 2), timezone: 'Europe/Paris' });
    await t.http.post('/admin/business').set(t.admin).send(body).expect(201);
    const res = await t.http.get(`/admin/business/${body.businessId}`).set(t.admin).expect(200);
    expect(res.body.config.intents).toEqual(GOACCEL_INTENTS.slice(0, 2));
    expect(res.body.config.timezone).toBe('Europe/Paris');
  });

  it('lets a tenant intent with a built-in name add examples to it', async () => {
    const body = businessFactory.build({ intents: [{ name: 'pricing', examples: ['what is the damage'] }] });
    await t.http.post('/admin/business').set(t.admin).send(body).expect(201);
  });

  it.each([
    ['a name with capitals', [{ name: 'Pricing2', examples: ['x'] }], /intent "Pricing2": name must match/],
    ['a name starting with a digit', [{ name: '1abc', examples: ['x'] }], /name must match/],
    ['a name over 40 characters', [{ name: `a${'b'.repeat(40)}`, examples: ['x'] }], /name must match/],
    ['no examples', [{ name: 'faq', examples: [] }], /intent "faq": examples must be an array of 1–200 strings/],
    ['201 examples', [{ name: 'faq', examples: Array.from({ length: 201 }, (_, i) => `q${i}`) }], /1–200/],
    ['a blank example', [{ name: 'faq', examples: ['  '] }], /every example must be a non-empty string/],
    [
      'a duplicate name',
      [
        { name: 'faq', examples: ['a'] },
        { name: 'faq', examples: ['b'] },
      ],
      /intent "faq": duplicate name/,
    ],
    ['the reserved name other', [{ name: 'other', examples: ['a'] }], /"other" is what no intent matches/],
    ['an unknown field', [{ name: 'faq', examples: ['a'], when: {} }], /intent "faq": unknown field "when"/],
    ['a non-object entry', ['faq'], /intents\[0\] must be an object/],
    [
      'a description that is not a string',
      [{ name: 'faq', examples: ['a'], description: 3 }],
      /description must be a string/,
    ],
  ])(
    'refuses intents with %s: 400 TENANT.INVALID_CONFIG naming the problem, nothing saved',
    async (_what, intents, message) => {
      const body = businessFactory.build({ intents });
      const res = await t.http.post('/admin/business').set(t.admin).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('TENANT.INVALID_CONFIG');
      expect(res.body.message).toMatch(message);
      expect((await t.http.get(`/admin/business/${body.businessId}`).set(t.admin)).status).toBe(404);
    },
  );

  it('refuses intents that are not an array', async () => {
    const res = await t.http
      .post('/admin/business')
      .set(t.admin)
      .send(businessFactory.build({ intents: { a: 1 } }));
    expect(res.status).toBe(400);
  });

  it.each(['Mars/Olympus', 'GMT+25', 'not a zone'])(
    'refuses the timezone "%s" with 400 naming it',
    async (timezone) => {
      const res = await t.http.post('/admin/business').set(t.admin).send(businessFactory.build({ timezone }));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('TENANT.INVALID_CONFIG');
      expect(res.body.message).toContain(`timezone "${timezone}"`);
    },
  );
});

describe('Intents and sentiment with Gemini (real SDK against the fake Gemini server)', () => {
  let fake: FakeGeminiServer;
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
    t = await bootTestApp({
      GEMINI_API_KEY: 'test-gemini-key',
      GEMINI_BASE_URL: fake.baseUrl,
      GEMINI_BREAKER_THRESHOLD: '100',
    });
    businessId = await createTenant(t, { intents: GOACCEL_INTENTS });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const userRows = async (sessionId: string) =>
    (
      (await t.http.get(session(businessId, sessionId)).set(t.admin)).body.transcript as Array<{
        role: string;
        intent: { name: string; confidence: number };
        sentiment: { label: string; score: number };
      }>
    ).filter((m) => m.role === 'user');

  it("records the model's structured reading, asked with the tenant's intents as an enum", async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    fake.understandingSteps.push(
      FakeGeminiServer.text(
        JSON.stringify({ intent: 'sell_business', confidence: 0.91, sentiment: 'positive', sentimentScore: 0.4 }),
      ),
    );
    fake.enqueue(FakeGeminiServer.text('We can help you prepare the business for a sale.'));
    const res = await c.send('Thinking of exiting in two years, can you help?').expect(200);
    expect(res.body.response).toBe('We can help you prepare the business for a sale.');
    const rows = await userRows(c.sessionId);
    expect(rows[1].intent).toEqual({ name: 'sell_business', confidence: expect.closeTo(0.91, 5) as number });
    expect(rows[1].sentiment).toEqual({ label: 'positive', score: expect.closeTo(0.4, 5) as number });
    const asked = fake.understandingRequests.at(-1)!.body;
    const schema = asked.generationConfig!.responseSchema as { properties: { intent: { enum: string[] } } };
    expect(schema.properties.intent.enum).toEqual(expect.arrayContaining(['sell_business', 'pricing', 'other']));
    expect(JSON.stringify(asked.contents)).toContain('Thinking of exiting in two years');
  });

  it.each([
    ['an error status', { type: 'error', status: 500 } as const],
    [
      'an intent that is not in the list',
      FakeGeminiServer.text(
        JSON.stringify({ intent: 'weather', confidence: 1, sentiment: 'neutral', sentimentScore: 0 }),
      ),
    ],
    ['malformed JSON', FakeGeminiServer.text('{"intent": "pri')],
  ])('falls back to the offline reading on %s, and the turn is answered', async (_what, step) => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    fake.understandingSteps.push(step);
    fake.enqueue(FakeGeminiServer.text('Plans start at a monthly fee; the team can quote you.'));
    const res = await c.send('How much does it cost per month?').expect(200);
    expect(res.body.response).toContain('Plans start');
    const rows = await userRows(c.sessionId);
    expect(rows[1].intent.name).toBe('pricing');
    expect(rows[1].sentiment.label).toBe('neutral');
  });
});
