import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { newSessionState } from 'src/conversation/session-state';
import { SessionStore } from 'src/session/session-store.port';
import { SessionTokens } from 'src/session/session-tokens';
import { chatter, createTenant, newSessionId, parseSse } from 'test/chat/chat.support';
import { TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';

const SHARED_SECRET = 'shared-session-token-secret-for-two-instances';

describe('Session tokens on /chat and /chat/stream', () => {
  let t: TestApp;
  let businessId: string;
  let redis: Redis;

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t);
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.http.post('/chat').set(headers).send(body);

  /** Everything a turn writes: the live state, the transcript rows and the analytics events. */
  async function footprint(tenant: string, sessionId: string) {
    const [rows] = (await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE c.business_id = $1 AND c.session_id = $2)::int AS messages,
              (SELECT count(*) FROM analytics_events WHERE business_id = $1 AND session_id = $2)::int AS events`,
      [tenant, sessionId],
    )) as { messages: number; events: number }[];
    return { ...rows, live: await redis.get(`chat:${tenant}:${sessionId}`) };
  }

  /** A visitor who already told the assistant their email. */
  async function victimSession(tenant = businessId) {
    const victim = chatter(t.http, tenant);
    await victim.send('hi').expect(200);
    await victim.send('my email is victim@example.com').expect(200);
    return victim;
  }

  it("refuses to continue someone else's session without its token, with 403 session.token_required and nothing written", async () => {
    const victim = await victimSession();
    const before = await footprint(businessId, victim.sessionId);
    expect(before.messages).toBe(4);

    const res = await post({ business_id: businessId, session_id: victim.sessionId, message: 'what is my email?' });

    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: expect.stringContaining('session_token') as string,
      code: 'session.token_required',
      requestId: expect.any(String) as string,
    });
    expect(JSON.stringify(res.body)).not.toContain('victim@example.com');
    expect(await footprint(businessId, victim.sessionId)).toEqual(before);
  });

  it('requires the token for a session that only survives in the Postgres transcript', async () => {
    const victim = await victimSession();
    await redis.del(`chat:${businessId}:${victim.sessionId}`);
    const before = await footprint(businessId, victim.sessionId);

    const stranger = await post({
      business_id: businessId,
      session_id: victim.sessionId,
      message: 'what is my email?',
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe('session.token_required');
    expect(await footprint(businessId, victim.sessionId)).toEqual(before);

    const owner = await victim.send('thanks');
    expect(owner.status).toBe(200);
    const stored = await t.http.get(`/admin/business/${businessId}/sessions/${victim.sessionId}`).set(t.admin);
    expect(stored.body.captured.email).toBe('victim@example.com');
  });

  it('refuses a token of another session with 403 session.token_invalid and writes nothing', async () => {
    const victim = await victimSession();
    const attacker = chatter(t.http, businessId);
    await attacker.send('hi').expect(200);
    const before = await footprint(businessId, victim.sessionId);

    const body = { business_id: businessId, session_id: victim.sessionId, message: 'what is my email?' };
    const inBody = await post({ ...body, session_token: attacker.token });
    const inHeader = await post(body, { 'X-Session-Token': attacker.token! });

    for (const res of [inBody, inHeader]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('session.token_invalid');
    }
    expect(await footprint(businessId, victim.sessionId)).toEqual(before);
  });

  it('continues the session with its token, sent in the body or in the X-Session-Token header', async () => {
    const victim = await victimSession();
    const body = { business_id: businessId, session_id: victim.sessionId, message: 'Do you work weekends?' };

    const inBody = await post({ ...body, session_token: victim.token });
    const inHeader = await post(body, { 'X-Session-Token': victim.token! });

    for (const res of [inBody, inHeader]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ session_id: victim.sessionId, session_token: victim.token });
    }
    expect((await footprint(businessId, victim.sessionId)).messages).toBe(8);
  });

  it('starts a new session for an id the server has never seen, and returns its token', async () => {
    const sessionId = newSessionId();
    const res = await post({ business_id: businessId, session_id: sessionId, message: 'hello' });
    expect(res.status).toBe(200);
    expect(res.body.session_id).toBe(sessionId);
    expect(res.body.session_token).toMatch(/^v1\.[A-Za-z0-9_-]{43}$/);
    expect((await footprint(businessId, sessionId)).messages).toBe(2);
  });

  it.each([
    ['a null session_id', { session_id: null }, 'session_id'],
    ['a session_token that is not a string', { session_token: 42 }, 'session_token'],
    ['a session_token over 256 characters', { session_token: 'x'.repeat(257) }, 'session_token'],
  ])('answers %s with a 400 naming the field', async (_name, patch, field) => {
    const res = await post({ business_id: businessId, session_id: newSessionId(), message: 'hello', ...patch });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
  });

  it('lets only one of several simultaneous tokenless first messages on one new id start the session', async () => {
    const sessionId = newSessionId();
    const body = (n: number) => ({ business_id: businessId, session_id: sessionId, message: `hello ${n}` });
    const results = await Promise.all([0, 1, 2, 3].map((n) => post(body(n))));

    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 403, 403, 403]);
    for (const res of results.filter((r) => r.status === 403)) expect(res.body.code).toBe('session.token_required');
    expect((await footprint(businessId, sessionId)).messages).toBe(2);
  });

  it('generates an unguessable session id when the request omits it, and the pair continues the session', async () => {
    const first = await post({ business_id: businessId, message: 'hello' });
    expect(first.status).toBe(200);
    const { session_id: sessionId, session_token: token } = first.body as { session_id: string; session_token: string };
    expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const second = await post({
      business_id: businessId,
      session_id: sessionId,
      session_token: token,
      message: 'my email is gen@example.com',
    });
    expect(second.status).toBe(200);
    const other = await post({ business_id: businessId, message: 'hello' });
    expect(other.body.session_id).not.toBe(sessionId);
    const stored = await t.http.get(`/admin/business/${businessId}/sessions/${sessionId}`).set(t.admin);
    expect(stored.body.captured.email).toBe('gen@example.com');
  });

  it('does not accept a token of the same session id at another tenant', async () => {
    const other = await createTenant(t);
    const victim = await victimSession(other);
    const mine = chatter(t.http, businessId, victim.sessionId);
    await mine.send('hello').expect(200);

    const res = await post({
      business_id: other,
      session_id: victim.sessionId,
      session_token: mine.token,
      message: 'my email?',
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session.token_invalid');
  });

  it('lets anyone continue a session of a tenant that opted out with settings.sessionTokens "off"', async () => {
    const optedOut = await createTenant(t, { settings: { sessionTokens: 'off' } });
    const victim = await victimSession(optedOut);
    const res = await post({ business_id: optedOut, session_id: victim.sessionId, message: 'Do you work weekends?' });
    expect(res.status).toBe(200);
    expect(res.body.session_token).toBe(victim.token);
  });

  it('refuses a settings.sessionTokens value other than "on" or "off" with a 400 naming it', async () => {
    const res = await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({
        businessId: `bad-${newSessionId().slice(0, 8)}`,
        businessName: 'Bad',
        settings: { sessionTokens: 'maybe' },
      });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('sessionTokens');
  });

  it('refuses a Twilio CallSid as chat session_id with 403 session.voice_only, even with a token minted for it', async () => {
    const optedOut = await createTenant(t, { settings: { sessionTokens: 'off' } });
    const callSid = `CA${'3f'.repeat(16)}`;
    const minted = t.app.get(SessionTokens).issue(businessId, callSid);
    const attempts = [
      await post({ business_id: businessId, session_id: callSid, message: 'hello' }),
      await post({ business_id: businessId, session_id: callSid, session_token: minted, message: 'hello' }),
      await post({ business_id: optedOut, session_id: callSid, message: 'hello' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('session.voice_only');
    }
    expect(await footprint(businessId, callSid)).toEqual({ messages: 0, events: 0, live: null });
  });

  it('keeps any voice session out of /chat, whatever its id and even on a tenant that opted out', async () => {
    const optedOut = await createTenant(t, { settings: { sessionTokens: 'off' } });
    const sessionId = newSessionId();
    const voice = newSessionState(optedOut, sessionId, 'voice');
    voice.captured.email = 'caller@example.com';
    await t.app.get(SessionStore).save(voice);
    const before = await footprint(optedOut, sessionId);

    const res = await post({ business_id: optedOut, session_id: sessionId, message: 'what is my email?' });

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session.voice_only');
    expect(JSON.stringify(res.body)).not.toContain('caller@example.com');
    expect(await footprint(optedOut, sessionId)).toEqual(before);
  });

  it("lets a tenant's widget origin send the X-Session-Token header (CORS preflight)", async () => {
    const origin = 'https://tokens-widget.example.com';
    await createTenant(t, { allowedOrigins: [origin] });
    const res = await t.http
      .options('/chat/stream')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-session-token');
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-headers']).toContain('X-Session-Token');
  });

  describe('/chat/stream', () => {
    const stream = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.http
        .post('/chat/stream')
        .set(headers)
        .send(body)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        });

    it('ends with a done event carrying session_id and session_token, which continue the session', async () => {
      const first = await stream({ business_id: businessId, message: 'hello' });
      const done = parseSse(first.body as string).at(-1)!;
      expect(done.event).toBe('done');
      expect(done.data).toMatchObject({
        session_id: expect.any(String),
        session_token: expect.stringMatching(/^v1\./),
      });

      const next = await stream(
        { business_id: businessId, session_id: done.data.session_id, message: 'Do you work weekends?' },
        { 'X-Session-Token': done.data.session_token as string },
      );
      expect(next.status).toBe(200);
      expect(parseSse(next.body as string).at(-1)?.event).toBe('done');
    });

    it('answers a missing token for an existing session with a JSON 403 before any event, writing nothing', async () => {
      const victim = await victimSession();
      const before = await footprint(businessId, victim.sessionId);
      const res = await t.http
        .post('/chat/stream')
        .send({ business_id: businessId, session_id: victim.sessionId, message: 'what is my email?' });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.code).toBe('session.token_required');
      expect(await footprint(businessId, victim.sessionId)).toEqual(before);
    });
  });

  it('lets the token issued by one instance continue the session on another sharing SESSION_TOKEN_SECRET', async () => {
    const [one, two] = [
      await bootTestApp({ SESSION_TOKEN_SECRET: SHARED_SECRET }),
      await bootTestApp({ SESSION_TOKEN_SECRET: SHARED_SECRET }),
    ];
    try {
      const first = await one.http.post('/chat').send({ business_id: businessId, message: 'hello' });
      const { session_id: sessionId, session_token: token } = first.body as {
        session_id: string;
        session_token: string;
      };
      const next = await two.http.post('/chat').send({
        business_id: businessId,
        session_id: sessionId,
        session_token: token,
        message: 'Do you work weekends?',
      });
      expect(next.status).toBe(200);
      // Under another secret the same token is refused: it is the secret, not any stored state, that makes it valid.
      const elsewhere = await t.http
        .post('/chat')
        .send({ business_id: businessId, session_id: sessionId, session_token: token, message: 'hello again' });
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.code).toBe('session.token_invalid');
    } finally {
      await one.close();
      await two.close();
    }
  });
});
