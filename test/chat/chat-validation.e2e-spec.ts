import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { createTenant, newSessionId } from 'test/chat/chat.support';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('POST /chat input validation', () => {
  let t: TestApp;
  let businessId: string;
  let redis: Redis;

  beforeAll(async () => {
    t = await bootTestApp({ MAX_MESSAGE_CHARS: '50' });
    businessId = await createTenant(t);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const valid = () => ({ business_id: businessId, session_id: newSessionId(), message: 'Do you install boilers?' });

  async function expectNothingWritten(sessionId: string): Promise<void> {
    expect(await redis.exists(`chat:${businessId}:${sessionId}`)).toBe(0);
    const rows = (await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM conversations WHERE business_id = $1 AND session_id = $2)::int AS conversations,
              (SELECT count(*) FROM analytics_events WHERE business_id = $1 AND session_id = $2)::int AS events`,
      [businessId, sessionId],
    )) as { conversations: number; events: number }[];
    expect(rows[0]).toEqual({ conversations: 0, events: 0 });
  }

  it.each([
    ['a blank message without cta_id', { message: '   ' }, 'message'],
    ['a missing message', { message: undefined }, 'message'],
    ['a message over MAX_MESSAGE_CHARS', { message: 'x'.repeat(51) }, 'message must be at most 50 characters'],
    ['a message that is not a string', { message: 42 }, 'message'],
    ['a session_id that is too short', { session_id: 'abc' }, 'session_id'],
    ['a session_id with forbidden characters', { session_id: 'abc/def:ghi' }, 'session_id'],
    ['a session_id over 128 characters', { session_id: 'a'.repeat(129) }, 'session_id'],
    ['a missing business_id', { business_id: undefined }, 'business_id'],
    ['an unknown field', { admin: true }, 'admin'],
    ['a cta_id that is not a string', { cta_id: 7 }, 'cta_id'],
  ])('rejects %s with 400 naming the field, writing nothing', async (_name, patch, named) => {
    const body = { ...valid(), ...patch };
    const res = await t.http.post('/chat').send(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(named);
    if (typeof body.session_id === 'string' && /^[A-Za-z0-9_-]{8,128}$/.test(body.session_id))
      await expectNothingWritten(body.session_id);
  });

  it('accepts a blank message when a cta_id is given', async () => {
    const res = await t.http.post('/chat').send({ ...valid(), message: '', cta_id: 'main_menu' });
    expect(res.status).toBe(200);
  });

  it('answers an unknown business with 404 and writes nothing', async () => {
    const body = { ...valid(), business_id: 'no-such-business-y' };
    const res = await t.http.post('/chat').send(body);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'TENANT.NOT_FOUND' });
    expect(await redis.exists(`chat:no-such-business-y:${body.session_id}`)).toBe(0);
  });

  it('never answers with HTML outside the allow-list or a stack trace', async () => {
    const res = await t.http.post('/chat').send({ ...valid(), message: '<script>alert(1)</script>' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toMatch(/<script|at \w+ \(/);
  });
});
