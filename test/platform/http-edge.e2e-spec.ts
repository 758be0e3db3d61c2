import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import { configureApp } from 'src/bootstrap';
import { BusinessRepository } from 'src/tenant/business.repository';
import { createTenant } from 'test/chat/chat.support';
import { uniqueBusinessId } from 'test/factories/business.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

const ANY_TENANT_LIMIT = 20;
const MESSAGE = 'What services do you offer?';

/** A fresh client address per test (the app trusts loopback as a proxy), so counters never carry over between runs. */
const clientIp = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
const chatBody = (businessId: string, sessionId = randomUUID()) => ({
  business_id: businessId,
  session_id: sessionId,
  message: MESSAGE,
});
const deeplyNested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

interface RawResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A POST over a plain socket: sends `body` byte for byte (supertest would re-encode it) and, when `declaredLength` is
 * larger, claims that length without ever sending the rest, so only a server that answers before reading can reply.
 */
function rawPost(
  t: TestApp,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  declaredLength = body.length,
) {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Length': declaredLength } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          });
        });
      },
    );
    req.on('error', reject);
    if (declaredLength === body.length) req.end(body);
    else req.write(body);
  });
}

describe('HTTP edge: body parsing, content types, origins and the per-IP limit', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = {
      CHAT_IP_RATE_LIMIT_ALL_TENANTS_PER_MINUTE: String(ANY_TENANT_LIMIT),
      TRUSTED_PROXIES: '["loopback"]',
      BODY_LIMIT: '100kb',
    };
    a = await bootTestApp(env);
    b = await bootTestApp(env);
    await a.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('refuses to configure an app a second time, which would run every middleware twice per request', () => {
    expect(() => configureApp(a.app)).toThrow(/already configured/);
  });

  const sessionExists = async (businessId: string, sessionId: string) =>
    (await a.http.get(`/admin/business/${businessId}/sessions/${sessionId}`).set(a.admin)).status === 200;

  describe('content type of /chat', () => {
    it.each(['/chat', '/chat/stream'])(
      'refuses a form-encoded post to %s with 415 and writes nothing',
      async (path) => {
        const businessId = await createTenant(a);
        const sessionId = randomUUID();
        const res = await a.http
          .post(path)
          .set('X-Forwarded-For', clientIp())
          .type('form')
          .send(chatBody(businessId, sessionId));
        expect(res.status).toBe(415);
        expect(res.body).toMatchObject({ statusCode: 415, code: 'HTTP.UNSUPPORTED_MEDIA_TYPE' });
        expect(await sessionExists(businessId, sessionId)).toBe(false);
      },
    );

    it('refuses text/plain, which a cross-site form can also send', async () => {
      const res = await a.http
        .post('/chat')
        .set('X-Forwarded-For', clientIp())
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(chatBody('acme')));
      expect(res.status).toBe(415);
    });

    it('accepts JSON with a charset parameter', async () => {
      const businessId = await createTenant(a);
      const res = await a.http
        .post('/chat')
        .set('X-Forwarded-For', clientIp())
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify(chatBody(businessId)));
      expect(res.status).toBe(200);
    });
  });

  describe('body size', () => {
    it.each([
      ['/chat', 'application/x-ndjson'],
      ['/chat', 'application/json'],
      ['/voice/incoming', 'application/x-www-form-urlencoded'],
      ['/admin/business/acme/knowledge/documents', 'application/x-ndjson'],
    ])(
      'refuses an unauthenticated 20 MB body to %s (%s) with 413 before reading it',
      async (path, type) => {
        const headers = { 'Content-Type': type, 'X-Forwarded-For': clientIp() };
        const res = await rawPost(a, path, headers, Buffer.alloc(64 * 1024, 'a'), 20 * 1024 * 1024);
        expect(res.status).toBe(413);
        expect(res.body).toMatchObject({ code: 'HTTP.BODY_TOO_LARGE' });
      },
      15_000,
    );

    it('takes an NDJSON upload over BODY_LIMIT on the knowledge route only with the admin key', async () => {
      const businessId = await createTenant(a);
      const line = (i: number) =>
        JSON.stringify({
          url: `https://acme.example.com/p${i}`,
          title: `Page ${i}`,
          text: `Drain service ${i}. `.repeat(150),
        });
      const ndjson = Buffer.from(Array.from({ length: 120 }, (_, i) => line(i)).join('\n'));
      expect(ndjson.length).toBeGreaterThan(250_000);
      const path = `/admin/business/${businessId}/knowledge/documents`;
      const type = { 'Content-Type': 'application/x-ndjson' };
      expect((await rawPost(a, path, type, ndjson)).status).toBe(413);
      expect((await rawPost(a, path, { ...type, ...a.admin }, ndjson)).status).toBe(202);
      expect((await rawPost(a, '/chat', { ...type, 'X-Forwarded-For': clientIp() }, ndjson)).status).toBe(413);
    });

    it("takes the NDJSON upload with the business's own editor key, not a viewer's or another business's", async () => {
      const businessId = await createTenant(a);
      const other = await createTenant(a);
      const keyFor = async (id: string, role: string) =>
        (
          await a.http
            .post(`/admin/business/${id}/keys`)
            .set(a.admin)
            .send({ name: `edge ${role}`, role })
            .expect(201)
        ).body.key as string;
      const ndjson = Buffer.from(
        Array.from({ length: 120 }, (_, i) =>
          JSON.stringify({
            url: `https://acme.example.com/k${i}`,
            title: `Key page ${i}`,
            text: `Gutters ${i}. `.repeat(200),
          }),
        ).join('\n'),
      );
      expect(ndjson.length).toBeGreaterThan(250_000);
      const upload = (key: string) =>
        rawPost(
          a,
          `/admin/business/${businessId}/knowledge/documents`,
          { 'Content-Type': 'application/x-ndjson', 'X-Admin-API-Key': key },
          ndjson,
        );
      expect((await upload(await keyFor(businessId, 'viewer'))).status).toBe(413);
      expect((await upload(await keyFor(other, 'owner'))).status).toBe(413);
      expect((await upload(await keyFor(businessId, 'editor'))).status).toBe(202);
    });

    it('takes a knowledge file over BODY_LIMIT (up to KB_MAX_FILE_BYTES) only with the admin key', async () => {
      const businessId = await createTenant(a);
      const file = Buffer.from('Drain cleaning is available on weekends.\n'.repeat(8000));
      expect(file.length).toBeGreaterThan(250_000);
      const upload = (admin: boolean) =>
        a.http
          .post(`/admin/business/${businessId}/knowledge/files`)
          .set(admin ? a.admin : {})
          .attach('file', file, 'notes.txt');
      expect((await upload(false)).status).toBe(413);
      expect((await upload(true)).status).toBe(202);
    });
  });

  describe('body shape', () => {
    it.each([
      ['POST /chat', (t: TestApp) => t.http.post('/chat').set('X-Forwarded-For', clientIp())],
      ['POST /admin/business', (t: TestApp) => t.http.post('/admin/business').set(t.admin)],
    ])('answers JSON nested thousands of levels deep with 400 on %s', async (_name, call) => {
      const res = await call(a).set('Content-Type', 'application/json').send(deeplyNested(5000));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'HTTP.BODY_TOO_DEEP' });
    });

    it('refuses __proto__ keys with 400 and creates no tenant', async () => {
      const businessId = uniqueBusinessId();
      const res = await a.http
        .post('/admin/business')
        .set(a.admin)
        .set('Content-Type', 'application/json')
        .send(
          `{"businessId":"${businessId}","businessName":"Proto","settings":{"__proto__":{"chatRateLimitPerMinute":0}}}`,
        );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('HTTP.FORBIDDEN_KEY');
      await a.http.get(`/admin/business/${businessId}`).set(a.admin).expect(404);
      expect(({} as Record<string, unknown>).chatRateLimitPerMinute).toBeUndefined();
    });

    it('refuses a body that is not valid UTF-8 with 400 instead of storing replacement characters', async () => {
      const businessId = await createTenant(a);
      const sessionId = randomUUID();
      const json = Buffer.from(JSON.stringify(chatBody(businessId, sessionId)));
      const bad = Buffer.concat([
        json.subarray(0, json.length - 2),
        Buffer.from([0xc3, 0x28]),
        json.subarray(json.length - 2),
      ]);
      const res = await rawPost(a, '/chat', { 'Content-Type': 'application/json', 'X-Forwarded-For': clientIp() }, bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('HTTP.INVALID_UTF8');
      expect(await sessionExists(businessId, sessionId)).toBe(false);
    });

    it('answers malformed JSON with 400 and a code', async () => {
      const res = await a.http
        .post('/chat')
        .set('X-Forwarded-For', clientIp())
        .set('Content-Type', 'application/json')
        .send('{"business_id":');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('HTTP.INVALID_JSON');
    });
  });

  describe("a tenant's allowedOrigins", () => {
    let restricted: string;
    beforeAll(async () => {
      restricted = await createTenant(a, { allowedOrigins: ['https://shop.example.com'] });
    });

    it('refuses a browser request from another origin with 403 and writes nothing', async () => {
      const sessionId = randomUUID();
      const res = await a.http
        .post('/chat')
        .set({ 'X-Forwarded-For': clientIp(), Origin: 'https://evil.example.net' })
        .send(chatBody(restricted, sessionId));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'TENANT.ORIGIN_NOT_ALLOWED' });
      expect(await sessionExists(restricted, sessionId)).toBe(false);
    });

    it('refuses the public widget config and the stream to another origin too', async () => {
      const config = await a.http.get(`/api/business/${restricted}/config`).set('Origin', 'https://evil.example.net');
      expect(config.status).toBe(403);
      const stream = await a.http
        .post('/chat/stream')
        .set({ 'X-Forwarded-For': clientIp(), Origin: 'https://evil.example.net' })
        .send(chatBody(restricted));
      expect(stream.status).toBe(403);
    });

    it('serves a listed origin and requests without Origin (servers)', async () => {
      const listed = await a.http
        .post('/chat')
        .set({ 'X-Forwarded-For': clientIp(), Origin: 'https://shop.example.com' })
        .send(chatBody(restricted));
      expect(listed.status).toBe(200);
      const server = await a.http.post('/chat').set('X-Forwarded-For', clientIp()).send(chatBody(restricted));
      expect(server.status).toBe(200);
      await a.http.get(`/api/business/${restricted}/config`).set('Origin', 'https://shop.example.com').expect(200);
    });

    it('leaves tenants without allowedOrigins open to any origin', async () => {
      const open = await createTenant(a);
      const res = await a.http
        .post('/chat')
        .set({ 'X-Forwarded-For': clientIp(), Origin: 'https://anywhere.example.org' })
        .send(chatBody(open));
      expect(res.status).toBe(200);
    });
  });

  describe('per client IP, before any tenant lookup', () => {
    it('blocks a flood of made-up business_ids from one IP', async () => {
      const ip = clientIp();
      const statuses: number[] = [];
      for (let i = 0; i < ANY_TENANT_LIMIT + 5; i++) {
        statuses.push(
          (
            await a.http
              .post('/chat')
              .set('X-Forwarded-For', ip)
              .send(chatBody(uniqueBusinessId('ghost')))
          ).status,
        );
      }
      expect(statuses.slice(0, ANY_TENANT_LIMIT)).toEqual(Array(ANY_TENANT_LIMIT).fill(404));
      expect(statuses.slice(ANY_TENANT_LIMIT)).toEqual(Array(5).fill(429));
      const blocked = await a.http
        .post('/chat')
        .set('X-Forwarded-For', ip)
        .send(chatBody(uniqueBusinessId('ghost')));
      expect(blocked.body.code).toBe('RATE_LIMIT.IP');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });

    it('looks an unknown tenant up once however often it is asked for', async () => {
      const lookups = jest.spyOn(a.app.get(BusinessRepository), 'findById');
      try {
        const ghost = uniqueBusinessId('ghost');
        const ip = clientIp();
        for (let i = 0; i < 3; i++)
          await a.http.post('/chat').set('X-Forwarded-For', ip).send(chatBody(ghost)).expect(404);
        expect(lookups.mock.calls.filter(([id]) => id === ghost)).toEqual([[ghost]]);
      } finally {
        lookups.mockRestore();
      }
    });

    it('serves a tenant created right after a miss at once, on every instance', async () => {
      const businessId = uniqueBusinessId('late');
      await b.http.post('/chat').set('X-Forwarded-For', clientIp()).send(chatBody(businessId)).expect(404);
      await a.http.get(`/api/business/${businessId}/config`).expect(404);
      await createTenant(a, { businessId });
      await b.http.post('/chat').set('X-Forwarded-For', clientIp()).send(chatBody(businessId)).expect(200);
      await a.http.get(`/api/business/${businessId}/config`).expect(200);
    });
  });
});
