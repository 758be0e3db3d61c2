import Redis from 'ioredis';

import { chatter, createTenant } from 'test/chat/chat.support';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Chat sessions (Redis store)', () => {
  let t: TestApp;
  let businessId: string;
  let redis: Redis;

  beforeAll(async () => {
    t = await bootTestApp({ SESSION_TTL_SECONDS: '3600' });
    businessId = await createTenant(t);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const admin = (id: string, sessionId: string) => `/admin/business/${id}/sessions/${sessionId}`;

  it('stores the session under chat:{business_id}:{session_id} with the configured TTL, refreshed on write', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const key = `chat:${businessId}:${c.sessionId}`;
    await redis.expire(key, 100);
    await c.send('what do you do?');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('serializes two simultaneous turns on one session and persists both', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const [a, b] = await Promise.all([c.send('my email is both@example.com'), c.send('my phone is 415 555 2671')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const stored = (await t.http.get(admin(businessId, c.sessionId)).set(t.admin)).body;
    // Neither turn overwrote the other: both captured fields, both exchanges and four model-history entries survive.
    expect(stored.captured).toMatchObject({ email: 'both@example.com', phone: '+14155552671' });
    expect(stored.transcript.filter((m: { role: string }) => m.role === 'user')).toHaveLength(3);
    expect(stored.conversation.turnCount).toBe(3);
  });

  it('keeps sessions apart: another session of the same tenant starts fresh', async () => {
    const one = chatter(t.http, businessId);
    await one.send('hi');
    await one.send('my email is one@example.com');
    const two = chatter(t.http, businessId);
    const res = await two.send('what is my email?');
    expect(res.body.response).not.toContain('one@example.com');
    expect((await t.http.get(admin(businessId, two.sessionId)).set(t.admin)).body.captured).toEqual({});
  });

  it("keeps tenants apart: 404 for another tenant's session, and the same session id is separate per tenant", async () => {
    const other = await createTenant(t);
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('my email is mine@example.com');
    expect((await t.http.get(admin(other, c.sessionId)).set(t.admin)).status).toBe(404);
    expect((await t.http.delete(admin(other, c.sessionId)).set(t.admin)).status).toBe(404);

    const sameIdOtherTenant = chatter(t.http, other, c.sessionId);
    const greeting = await sameIdOtherTenant.send('hello there');
    expect(greeting.body.response).toContain('welcome');
    expect((await t.http.get(admin(other, c.sessionId)).set(t.admin)).body.captured).toEqual({});
    expect((await t.http.get(admin(businessId, c.sessionId)).set(t.admin)).body.captured.email).toBe(
      'mine@example.com',
    );
  });

  it('returns the stored session to an admin: fields, locks, CRM ids, metadata and transcript', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('I am Ola Nordmann, ola@example.com');
    const res = await t.http.get(admin(businessId, c.sessionId)).set(t.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      businessId,
      sessionId: c.sessionId,
      channel: 'chat',
      live: true,
      captured: { firstName: 'Ola', lastName: 'Nordmann', email: 'ola@example.com' },
      locks: { firstName: true, lastName: true, email: true },
      crm: {},
      metadata: { provider: 'offline', offline: true },
    });
    expect(res.body.transcript.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['assistant', expect.stringContaining('welcome')],
      ['user', 'I am Ola Nordmann, ola@example.com'],
      ['assistant', expect.any(String)],
    ]);
  });

  it('requires the admin key for session endpoints', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    expect((await t.http.get(admin(businessId, c.sessionId))).status).toBe(401);
    expect((await t.http.delete(admin(businessId, c.sessionId))).status).toBe(401);
  });

  it('forgets a session in Redis and Postgres on DELETE', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('my email is gone@example.com');
    const del = await t.http.delete(admin(businessId, c.sessionId)).set(t.admin);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true });
    expect(await redis.exists(`chat:${businessId}:${c.sessionId}`)).toBe(0);
    expect((await t.http.get(admin(businessId, c.sessionId)).set(t.admin)).status).toBe(404);
    expect((await t.http.delete(admin(businessId, c.sessionId)).set(t.admin)).status).toBe(404);
    // The next message starts a brand-new session.
    expect((await c.send('my email?')).body.response).toContain('welcome');
  });

  it('keeps the transcript when the live session expired', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await redis.del(`chat:${businessId}:${c.sessionId}`);
    const res = await t.http.get(admin(businessId, c.sessionId)).set(t.admin);
    expect(res.status).toBe(200);
    expect(res.body.live).toBe(false);
    expect(res.body.transcript).toHaveLength(2);
  });

  it('rebuilds an evicted session from the transcript: no second greeting, fields still locked, never asked again', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('my name is Eve Stone');
    await c.send('eve@example.com');
    await redis.del(`chat:${businessId}:${c.sessionId}`);
    const res = await c.send('Do you work weekends?');
    expect(res.body.response).not.toContain('welcome');
    expect(res.body.response).not.toMatch(/your name|email address/i);
    expect(res.body.response).toMatch(/phone number/);
    const stored = (await t.http.get(admin(businessId, c.sessionId)).set(t.admin)).body;
    expect(stored.captured).toEqual({ firstName: 'Eve', lastName: 'Stone', email: 'eve@example.com' });
    expect(stored.metadata.recoveredFromTranscript).toBe(true);
  });

  it('removes every session key of a tenant when the tenant is deleted', async () => {
    const doomed = await createTenant(t);
    const a = chatter(t.http, doomed);
    const b = chatter(t.http, doomed);
    await a.send('hi');
    await b.send('hi');
    expect(await redis.exists(`chat:${doomed}:${a.sessionId}`, `chat:${doomed}:${b.sessionId}`)).toBe(2);
    expect((await t.http.delete(`/admin/business/${doomed}`).set(t.admin)).status).toBe(200);
    expect(await redis.exists(`chat:${doomed}:${a.sessionId}`, `chat:${doomed}:${b.sessionId}`)).toBe(0);
  });
});

describe('Chat sessions (in-process store, no REDIS_URL)', () => {
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp({ REDIS_URL: undefined });
    businessId = await createTenant(t);
  });
  afterAll(async () => t.close());

  it('serializes simultaneous turns on one session and persists all of them', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const results = await Promise.all([
      c.send('my email is mem@example.com'),
      c.send('my phone is 415 555 2671'),
      c.send('my name is Mem Store'),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const stored = (await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin)).body;
    expect(stored.captured).toEqual({
      email: 'mem@example.com',
      phone: '+14155552671',
      firstName: 'Mem',
      lastName: 'Store',
    });
    expect(stored.conversation.turnCount).toBe(4);
  });
});
