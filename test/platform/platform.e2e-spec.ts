import { businessFactory } from 'test/factories/business.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Platform', () => {
  describe('with one instance', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp();
    });
    afterAll(async () => t.close());

    it('answers liveness and readiness with database and Redis up', async () => {
      await t.http.get('/health').expect(200);
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up', mode: 'redis' } });
    });

    it('serves the OpenAPI document with the admin security scheme on admin operations', async () => {
      const doc = await t.http.get('/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.components.securitySchemes['admin-api-key']).toMatchObject({
        type: 'apiKey',
        name: 'X-Admin-API-Key',
      });
      expect(doc.body.components.securitySchemes['admin-bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
      const upsert = doc.body.paths['/admin/business'].post;
      expect(upsert.security).toEqual([{ 'admin-api-key': [] }, { 'admin-bearer': [] }]);
      expect(upsert.operationId).toBe('BusinessAdmin_upsertBusiness');
      expect(doc.body.paths['/api/business/{id}/config'].get.security).toEqual([]);
      expect(doc.body.components.schemas.UpsertBusinessDto.properties.businessId.example).toBe('goaccel-website');
      const html = await t.http.get('/docs');
      expect(html.status).toBe(200);
      expect(html.text).toContain('swagger');
    });

    it('documents every operation with a summary and every schema property with an example', async () => {
      const doc = (await t.http.get('/docs-json')).body as {
        paths: Record<string, Record<string, { summary?: string }>>;
        components: {
          schemas: Record<
            string,
            {
              properties?: Record<
                string,
                { example?: unknown; $ref?: string; allOf?: unknown; items?: { $ref?: string } }
              >;
            }
          >;
        };
      };
      const undocumented = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => !op.summary)
          .map(([method]) => `${method} ${path}`),
      );
      const withoutExample = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
        Object.entries(schema.properties ?? {})
          // A property that is another documented schema carries that schema's examples.
          .filter(([, p]) => p.example === undefined && !p.$ref && !p.allOf && !p.items?.$ref)
          .map(([prop]) => `${name}.${prop}`),
      );
      expect(undocumented).toEqual([]);
      expect(withoutExample).toEqual([]);
    });

    it('echoes a well-formed request id and generates one otherwise', async () => {
      const given = await t.http.get('/health').set('X-Request-Id', 'req-12345678');
      expect(given.headers['x-request-id']).toBe('req-12345678');
      const generated = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const err = await t.http.get('/admin/business').set('X-Request-Id', 'req-abcdefgh');
      expect(err.body.requestId).toBe('req-abcdefgh');
    });

    it('sets security headers, a strict Content-Security-Policy and no x-powered-by', async () => {
      const res = await t.http.get('/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      const csp = (await t.http.get('/')).headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      // Swagger UI's page has inline <style> blocks: only its styles are relaxed, never its scripts.
      const docs = (await t.http.get('/docs/')).headers['content-security-policy'] as string;
      expect(docs).toContain("style-src 'self' 'unsafe-inline'");
      expect(docs).toContain("script-src 'self';");
    });

    it('serves the demo page, the admin console and the widget: a short-cached loader naming a long-cached bundle', async () => {
      const demo = await t.http.get('/').expect(200);
      expect(demo.text).toContain('/demo.js');
      expect(demo.text).not.toMatch(/<script>|<style|style=/);
      const admin = await t.http.get('/admin').expect(200);
      expect(admin.text).toMatch(/src="\/console-[A-Z0-9]{8}\.js"/);
      expect(admin.text).not.toMatch(/<script>|<style|style=/);
      const loader = await t.http
        .get('/widget.js')
        .expect(200)
        .expect('Content-Type', /javascript/);
      expect(loader.headers['cache-control']).toBe('public, max-age=300');
      const bundle = /"(widget-[A-Z0-9]{8}\.js)"/.exec(loader.text)?.[1];
      expect(bundle).toBeDefined();
      const built = await t.http
        .get(`/${bundle}`)
        .expect(200)
        .expect('Content-Type', /javascript/);
      expect(built.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(built.text).toContain('attachShadow');
    });

    it("allows CORS from a tenant's widget origin and not from strangers", async () => {
      const body = businessFactory.build({ allowedOrigins: ['https://widget-host.example.com'] });
      await t.http.post('/admin/business').set(t.admin).send(body).expect(201);
      const ok = await t.http
        .options('/chat')
        .set('Origin', 'https://widget-host.example.com')
        .set('Access-Control-Request-Method', 'POST');
      expect(ok.headers['access-control-allow-origin']).toBe('https://widget-host.example.com');
      const no = await t.http
        .options('/chat')
        .set('Origin', 'https://evil.example.net')
        .set('Access-Control-Request-Method', 'POST');
      expect(no.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('hashes no API answer for an ETag, but lets the widget config and the console page be revalidated', async () => {
      const body = businessFactory.build();
      await t.http.post('/admin/business').set(t.admin).send(body).expect(201);
      expect((await t.http.get('/health').expect(200)).headers.etag).toBeUndefined();
      const chat = await t.http.post('/chat').send({ business_id: body.businessId, message: 'hello' }).expect(200);
      expect(chat.headers.etag).toBeUndefined();

      const path = `/api/business/${body.businessId}/config`;
      const first = await t.http.get(path).expect(200);
      expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
      await t.http.get(path).set('If-None-Match', first.headers.etag).expect(304);
      await t.http
        .post('/admin/business')
        .set(t.admin)
        .send({ businessId: body.businessId, greetingMessage: 'A new greeting' })
        .expect(200);
      const changed = await t.http.get(path).set('If-None-Match', first.headers.etag).expect(200);
      expect(changed.body.config.greetingMessage).toBe('A new greeting');
      expect(changed.headers.etag).not.toBe(first.headers.etag);

      const page = await t.http.get('/admin').expect(200);
      expect(page.headers.etag).toBeDefined();
      await t.http.get('/admin').set('If-None-Match', page.headers.etag).expect(304);
    });

    it('answers unknown routes in the common error format', async () => {
      const res = await t.http.get('/no/such/route');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('with two instances sharing Redis', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      a = await bootTestApp();
      b = await bootTestApp();
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('lets the second instance see a config change without a restart', async () => {
      const body = businessFactory.build();
      await a.http.post('/admin/business').set(a.admin).send(body).expect(201);
      const before = await b.http.get(`/api/business/${body.businessId}/config`).expect(200);
      expect(before.body.config.greetingMessage).toBe('Hi, welcome to Acme Plumbing!');

      await a.http
        .post('/admin/business')
        .set(a.admin)
        .send({ businessId: body.businessId, greetingMessage: 'Updated greeting' })
        .expect(200);
      // Polls until the change arrives; how fast it arrives is not a property a shared CI machine can time.
      const deadline = Date.now() + 15_000;
      let seen = '';
      while (Date.now() < deadline) {
        seen = (await b.http.get(`/api/business/${body.businessId}/config`)).body.config.greetingMessage;
        if (seen === 'Updated greeting') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(seen).toBe('Updated greeting');
    });

    it('stops serving a deleted tenant on the other instance', async () => {
      const body = businessFactory.build();
      await a.http.post('/admin/business').set(a.admin).send(body).expect(201);
      await b.http.get(`/api/business/${body.businessId}/config`).expect(200);
      await a.http.delete(`/admin/business/${body.businessId}`).set(a.admin).expect(200);
      const deadline = Date.now() + 15_000;
      let status = 200;
      while (Date.now() < deadline && status === 200) {
        status = (await b.http.get(`/api/business/${body.businessId}/config`)).status;
        if (status !== 200) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(status).toBe(404);
    });
  });

  describe('start-up', () => {
    it('refuses an invalid value and names the variable', async () => {
      await expect(bootTestApp({ PORT: 'eighty' })).rejects.toThrow(/PORT/);
      await expect(bootTestApp({ ALLOWED_ORIGINS: 'https://a.example' })).rejects.toThrow(/ALLOWED_ORIGINS/);
      await expect(bootTestApp({ REDIS_URL: 'http://not-redis' })).rejects.toThrow(/REDIS_URL/);
    });

    it('refuses production without Redis, a database URL, an admin key or an encryption key', async () => {
      const attempt = bootTestApp({
        NODE_ENV: 'production',
        REDIS_URL: undefined,
        DATABASE_URL: undefined,
        ADMIN_API_KEY: undefined,
        CRM_ENCRYPTION_KEY: undefined,
      });
      await expect(attempt).rejects.toThrow(/REDIS_URL: required when NODE_ENV=production/);
      await expect(bootTestApp({ NODE_ENV: 'production', REDIS_URL: undefined })).rejects.toThrow(
        /DATABASE_URL|REDIS_URL/,
      );
    });

    // Two retries a second apart, not TypeORM's default minute of retries: the test's own timeout is the bound.
    it('fails fast when the database is unreachable', async () => {
      await expect(bootTestApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow(
        /ECONNREFUSED/,
      );
    }, 20_000);
  });
});
