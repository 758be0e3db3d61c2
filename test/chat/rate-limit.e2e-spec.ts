import { randomUUID } from 'node:crypto';

import type { Response } from 'supertest';

import { businessFactory } from 'test/factories/business.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

const MESSAGE = 'What services do you offer?';

async function createTenant(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const body = businessFactory.build(overrides);
  const res = await t.http.post('/admin/business').set(t.admin).send(body);
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return body.businessId as string;
}

// The visitor's client: each conversation sends the session_token of its latest reply (any instance issues them).
const tokens = new Map<string, string>();
const send = (t: TestApp, businessId: string, sessionId: string, headers: Record<string, string> = {}) => {
  const key = `${businessId}:${sessionId}`;
  const token = tokens.get(key);
  return t.http
    .post('/chat')
    .set(headers)
    .send({
      business_id: businessId,
      session_id: sessionId,
      message: MESSAGE,
      ...(token ? { session_token: token } : {}),
    })
    .expect((res) => {
      const issued = (res.body as { session_token?: unknown }).session_token;
      if (typeof issued === 'string') tokens.set(key, issued);
    });
};

async function sendMany(count: number, sendOne: (i: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await sendOne(i)).status);
  return statuses;
}

function expectRateLimited(res: Response, code: string): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body).toEqual({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.stringContaining('try again in') as string,
    code,
    requestId: expect.any(String) as string,
  });
}

describe('chat rate limits', () => {
  describe('with the default of 5 messages per conversation per minute', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      a = await bootTestApp({ CHAT_RATE_LIMIT_PER_MINUTE: '5' });
      b = await bootTestApp({ CHAT_RATE_LIMIT_PER_MINUTE: '5' });
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('answers the 6th message of a conversation within a minute with 429 and Retry-After', async () => {
      const businessId = await createTenant(a);
      const sessionId = randomUUID();
      expect(await sendMany(5, () => send(a, businessId, sessionId))).toEqual([200, 200, 200, 200, 200]);
      expectRateLimited(await send(a, businessId, sessionId), 'RATE_LIMIT.SESSION');
    });

    it('limits each conversation separately', async () => {
      const businessId = await createTenant(a);
      const busy = randomUUID();
      await sendMany(6, () => send(a, businessId, busy));
      expect((await send(a, businessId, randomUUID())).status).toBe(200);
    });

    it('counts /chat/stream against the same conversation and refuses it before the stream starts', async () => {
      const businessId = await createTenant(a);
      const sessionId = randomUUID();
      await sendMany(5, () => send(a, businessId, sessionId));
      const res = await a.http.post('/chat/stream').send({
        business_id: businessId,
        session_id: sessionId,
        message: MESSAGE,
        session_token: tokens.get(`${businessId}:${sessionId}`),
      });
      expectRateLimited(res, 'RATE_LIMIT.SESSION');
    });

    it('shares the counter between two app instances using the same Redis', async () => {
      const businessId = await createTenant(a);
      const sessionId = randomUUID();
      const statuses = await sendMany(5, (i) => send(i % 2 ? b : a, businessId, sessionId));
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      expectRateLimited(await send(b, businessId, sessionId), 'RATE_LIMIT.SESSION');
    });

    it("applies a tenant's own lower limit from its settings", async () => {
      const businessId = await createTenant(a, { settings: { chatRateLimitPerMinute: 2 } });
      const sessionId = randomUUID();
      expect(await sendMany(3, () => send(a, businessId, sessionId))).toEqual([200, 200, 429]);
    });

    it('lets a tenant disable the limit with 0', async () => {
      const businessId = await createTenant(a, { settings: { chatRateLimitPerMinute: 0 } });
      const sessionId = randomUUID();
      expect(await sendMany(8, () => send(a, businessId, sessionId))).toEqual(Array(8).fill(200));
    });

    it('still answers an invalid body with the 400 naming the field, not a 429', async () => {
      const res = await a.http.post('/chat').send({ business_id: 'acme', session_id: 'x', message: MESSAGE });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('session_id');
    });
  });

  it('disables the conversation limit when CHAT_RATE_LIMIT_PER_MINUTE is 0', async () => {
    const t = await bootTestApp({ CHAT_RATE_LIMIT_PER_MINUTE: '0' });
    try {
      const businessId = await createTenant(t);
      const sessionId = randomUUID();
      expect(await sendMany(8, () => send(t, businessId, sessionId))).toEqual(Array(8).fill(200));
    } finally {
      await t.close();
    }
  });

  describe('per client IP', () => {
    it('limits requests from one IP across conversations, and X-Forwarded-For from an untrusted hop changes nothing', async () => {
      const t = await bootTestApp({
        CHAT_RATE_LIMIT_PER_MINUTE: '0',
        CHAT_IP_RATE_LIMIT_PER_MINUTE: '3',
        TRUSTED_PROXIES: '[]',
      });
      try {
        const businessId = await createTenant(t);
        const statuses = await sendMany(3, (i) =>
          send(t, businessId, randomUUID(), { 'X-Forwarded-For': `203.0.113.${i + 1}` }),
        );
        expect(statuses).toEqual([200, 200, 200]);
        expectRateLimited(
          await send(t, businessId, randomUUID(), { 'X-Forwarded-For': '198.51.100.9' }),
          'RATE_LIMIT.IP',
        );
      } finally {
        await t.close();
      }
    });

    it('counts each client separately behind a trusted proxy', async () => {
      const t = await bootTestApp({
        CHAT_RATE_LIMIT_PER_MINUTE: '0',
        CHAT_IP_RATE_LIMIT_PER_MINUTE: '2',
        TRUSTED_PROXIES: '["loopback"]',
      });
      try {
        const businessId = await createTenant(t);
        const client = (ip: string) => () => send(t, businessId, randomUUID(), { 'X-Forwarded-For': ip });
        expect(await sendMany(3, client('203.0.113.10'))).toEqual([200, 200, 429]);
        expect((await client('203.0.113.11')()).status).toBe(200);
      } finally {
        await t.close();
      }
    });

    it("counts history reads from one IP too, but not against a conversation's message limit", async () => {
      const t = await bootTestApp({ CHAT_RATE_LIMIT_PER_MINUTE: '2', CHAT_IP_RATE_LIMIT_PER_MINUTE: '4' });
      try {
        const businessId = await createTenant(t);
        const sessionId = randomUUID();
        const first = await send(t, businessId, sessionId);
        expect(first.status).toBe(200);
        const token = (first.body as { session_token: string }).session_token;
        const read = () =>
          t.http
            .get('/chat/history')
            .query({ business_id: businessId, session_id: sessionId })
            .set('X-Session-Token', token);
        // Two reads after one message: the conversation's limit of 2 messages is not what stops them.
        expect(await sendMany(2, () => read())).toEqual([200, 200]);
        const followUp = await t.http
          .post('/chat')
          .set('X-Session-Token', token)
          .send({ business_id: businessId, session_id: sessionId, message: 'and on weekends?' });
        expect(followUp.status).toBe(200);
        // The fifth request from this IP within the minute, a read, is refused like a message would be.
        expectRateLimited(await read(), 'RATE_LIMIT.IP');
      } finally {
        await t.close();
      }
    });
  });
});
