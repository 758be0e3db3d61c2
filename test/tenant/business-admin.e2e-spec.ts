import { DataSource } from 'typeorm';

import { chatter } from 'test/chat/chat.support';
import { businessFactory, uniqueBusinessId } from 'test/factories/business.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { ingestDocuments } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Business admin API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  const create = (body: Record<string, unknown>) => t.http.post('/admin/business').set(t.admin).send(body);

  it('creates a business, reads it back and lists it keyed by id', async () => {
    const body = businessFactory.build();
    const created = await create(body);
    expect(created.status).toBe(201);
    expect(created.body.success).toBe(true);
    expect(created.body.config).toMatchObject({
      businessId: body.businessId,
      businessName: 'Acme Plumbing',
      version: 1,
    });
    expect(created.body.config.ctaTree.sales.children).toEqual(['pricing', 'book_appointment']);

    const got = await t.http.get(`/admin/business/${body.businessId}`).set(t.admin);
    expect(got.status).toBe(200);
    expect(got.body.config.systemPrompt).toContain('SECRET-PROMPT-CANARY');

    // The shared test database holds many tenants; start the page just before this one (ids sort by id).
    const list = await t.http
      .get('/admin/business')
      .query({ limit: 1, cursor: body.businessId.slice(0, -1) })
      .set(t.admin);
    expect(list.status).toBe(200);
    expect(list.body.businesses[body.businessId].businessName).toBe('Acme Plumbing');
    expect(list.body.total).toBeGreaterThanOrEqual(1);
  });

  it('pages through businesses with a cursor', async () => {
    const prefix = uniqueBusinessId('page');
    for (const n of [1, 2, 3]) await create(businessFactory.build({ businessId: `${prefix}-${n}` }));
    const seen: string[] = [];
    let cursor: string | null = `${prefix}-0`;
    while (cursor && seen.length < 3) {
      const page: { status: number; body: { businesses: object; nextCursor: string | null } } = await t.http
        .get('/admin/business')
        .query({ limit: 1, cursor })
        .set(t.admin);
      expect(page.status).toBe(200);
      const ids = Object.keys(page.body.businesses);
      expect(ids).toHaveLength(1);
      seen.push(ids[0]);
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
  });

  it('partially updates, keeps absent fields, clears with null or "" and bumps the version', async () => {
    const body = businessFactory.build();
    await create(body);
    const updated = await create({
      businessId: body.businessId,
      personality: 'Upbeat',
      websiteUrl: null,
      contactPhone: '',
    });
    expect(updated.status).toBe(200);
    expect(updated.body.config).toMatchObject({
      businessName: 'Acme Plumbing',
      personality: 'Upbeat',
      websiteUrl: null,
      contactPhone: null,
      greetingMessage: 'Hi, welcome to Acme Plumbing!',
      version: 2,
    });
    const cleared = await create({ businessId: body.businessId, ctaTree: null, rules: '' });
    expect(cleared.body.config).toMatchObject({ ctaTree: {}, rules: [], version: 3 });
  });

  it('accepts legacy snake_case keys', async () => {
    const id = uniqueBusinessId('legacy');
    const res = await create({
      business_id: id,
      business_name: 'Legacy Co',
      greeting_message: 'Hello from legacy',
      widget_position: 'center',
      cta_tree: {
        main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['call_us'] },
        call_us: { id: 'call_us', label: 'Call us', action: 'send', message: 'Call me' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.config).toMatchObject({
      businessId: id,
      businessName: 'Legacy Co',
      greetingMessage: 'Hello from legacy',
      widgetPosition: 'center',
    });
    expect(Object.keys(res.body.config.ctaTree).sort()).toEqual(['call_us', 'main_menu']);
  });

  describe('validation', () => {
    const expect400 = async (body: Record<string, unknown>, fragment: string) => {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(fragment);
      expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|\.ts:\d+/);
    };

    it('rejects a bad business id', () => expect400(businessFactory.build({ businessId: 'Bad Id!' }), 'businessId'));
    it('rejects an id that starts with a dash', () =>
      expect400(businessFactory.build({ businessId: '-abc' }), 'businessId'));
    it('rejects creation without a name', () => expect400({ businessId: uniqueBusinessId() }, 'businessName'));
    it('rejects unknown fields', () =>
      expect400(businessFactory.build({ favouriteColour: 'blue' }), 'favouriteColour'));
    it('rejects a bad widget position', () =>
      expect400(businessFactory.build({ widgetPosition: 'top' }), 'widgetPosition'));
    it('rejects a non-http website', () =>
      expect400(businessFactory.build({ websiteUrl: 'ftp://x.example.com' }), 'websiteUrl'));
    it('rejects an oversized logo', () =>
      expect400(
        businessFactory.build({ businessLogo: `data:image/png;base64,${'A'.repeat(310_000)}` }),
        'businessLogo',
      ));

    it('rejects a CTA tree with a dangling child, naming the node', () =>
      expect400(
        businessFactory.build({
          ctaTree: { menu: { id: 'menu', label: 'Menu', action: 'show_children', children: ['ghost'] } },
        }),
        'node "menu" has child "ghost"',
      ));

    it('rejects a CTA tree with a cycle', () =>
      expect400(
        businessFactory.build({
          ctaTree: {
            a: { id: 'a', label: 'A', action: 'show_children', children: ['b'] },
            b: { id: 'b', label: 'B', action: 'show_children', children: ['a'] },
          },
        }),
        'cycle',
      ));

    it('rejects a link node without an http(s) URL', () =>
      expect400(
        businessFactory.build({
          ctaTree: { book: { id: 'book', label: 'Book', action: 'link', url: 'javascript:alert(1)' } },
        }),
        'node "book"',
      ));

    it('rejects an unknown action', () =>
      expect400(
        businessFactory.build({ ctaTree: { x: { id: 'x', label: 'X', action: 'explode' } } }),
        'unknown action "explode"',
      ));

    it('names the field of each problem, for forms to show it beside its input', async () => {
      const dto = await create(businessFactory.build({ settings: { chatRateLimitPerMinute: -1 } }));
      expect(dto.body.fields).toEqual([
        {
          path: 'settings.chatRateLimitPerMinute',
          message: 'settings.chatRateLimitPerMinute must not be less than 0',
        },
      ]);
      const tree = await create(
        businessFactory.build({ ctaTree: { book: { id: 'book', label: 'Book', action: 'redirect' } } }),
      );
      expect(tree.body).toMatchObject({
        code: 'TENANT.INVALID_CONFIG',
        fields: [{ path: 'ctaTree.book.url', message: 'ctaTree node "book" (redirect) needs an http(s) url' }],
      });
    });

    it('writes nothing for a rejected request', async () => {
      const body = businessFactory.build({ widgetPosition: 'nowhere' });
      expect((await create(body)).status).toBe(400);
      expect((await t.http.get(`/admin/business/${body.businessId}`).set(t.admin)).status).toBe(404);
    });

    it('answers malformed JSON with 400 in the common error format', async () => {
      const res = await t.http
        .post('/admin/business')
        .set(t.admin)
        .set('Content-Type', 'application/json')
        .send('{"businessId":');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toEqual(expect.stringMatching(/JSON/));
    });

    it('answers an oversized body with 413', async () => {
      const res = await create(businessFactory.build({ systemPrompt: 'x'.repeat(1_100_000) }));
      expect(res.status).toBe(413);
      expect(res.body.statusCode).toBe(413);
    });
  });

  describe('authentication', () => {
    it('returns 401 without a key', async () => {
      const res = await t.http.get('/admin/business');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('returns 401 for a wrong key of any length', async () => {
      for (const key of ['x', 'wrong-key-of-a-different-length-entirely-0000000000']) {
        const res = await t.http.get('/admin/business').set('X-Admin-API-Key', key);
        expect(res.status).toBe(401);
      }
    });

    it('accepts the key as a Bearer token', async () => {
      const res = await t.http.get('/admin/business').set('Authorization', `Bearer ${t.admin['X-Admin-API-Key']}`);
      expect(res.status).toBe(200);
    });
  });

  describe('public widget config', () => {
    it('returns branding and CTAs but never the prompt, rules or settings', async () => {
      const body = businessFactory.build({ settings: { chatRateLimitPerMinute: 9 } });
      await create(body);
      const res = await t.http.get(`/api/business/${body.businessId}/config`);
      expect(res.status).toBe(200);
      expect(res.body.config).toMatchObject({
        businessName: 'Acme Plumbing',
        greetingMessage: 'Hi, welcome to Acme Plumbing!',
      });
      expect(res.body.config.entryCtas.map((c: { id: string }) => c.id)).toEqual([
        'sales',
        'support',
        'book_appointment',
      ]);
      const raw = JSON.stringify(res.body);
      expect(raw).not.toContain('SECRET-PROMPT-CANARY');
      expect(raw).not.toContain('Never quote prices');
      expect(res.body.config).not.toHaveProperty('systemPrompt');
      expect(res.body.config).not.toHaveProperty('settings');
    });

    it('returns 404 for an unknown business', async () => {
      const res = await t.http.get(`/api/business/${uniqueBusinessId('ghost')}/config`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'TENANT.NOT_FOUND' });
    });
  });

  it('deletes a business and everything it owns, then 404s', async () => {
    const body = businessFactory.build();
    await create(body);
    await t.http.get(`/api/business/${body.businessId}/config`).expect(200);
    const del = await t.http.delete(`/admin/business/${body.businessId}`).set(t.admin);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true, deleted: body.businessId });
    expect((await t.http.get(`/admin/business/${body.businessId}`).set(t.admin)).status).toBe(404);
    expect((await t.http.get(`/api/business/${body.businessId}/config`)).status).toBe(404);
    expect((await t.http.delete(`/admin/business/${body.businessId}`).set(t.admin)).status).toBe(404);
  });

  it('deletes every tenant-scoped row, counted per table: transcripts, analytics, hand-offs, knowledge, keys', async () => {
    const db = t.app.get(DataSource);
    const body = businessFactory.build();
    await create(body);
    const id = body.businessId;
    const visitor = chatter(t.http, id);
    await visitor.send('Do you work on weekends?').expect(200);
    await visitor.send('I want to talk to a real person please').expect(200);
    expect((await ingestDocuments(t, id, plumbingDocumentsFactory.build())).status).toBe('completed');
    await t.http.post(`/admin/business/${id}/keys`).set(t.admin).send({ name: 'ci', role: 'editor' }).expect(201);
    await db.query(`INSERT INTO unanswered_resolutions (business_id, cluster_key) VALUES ($1, 'k')`, [id]);
    // Every table with a business_id column, so a table added later is covered without editing this test.
    const tables = (
      (await db.query(
        `SELECT table_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'business_id' ORDER BY table_name`,
      )) as { table_name: string }[]
    ).map((r) => r.table_name);
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const table of tables) {
        const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE business_id = $1`, [id])) as {
          n: number;
        }[];
        out[table] = n;
      }
      return out;
    };
    const before = await counts();
    const seeded = Object.entries(before)
      .filter(([, n]) => n > 0)
      .map(([table]) => table);
    expect(seeded).toEqual(
      expect.arrayContaining([
        'businesses',
        'conversations',
        'messages',
        'analytics_events',
        'handoffs',
        'kb_documents',
        'kb_chunks',
        'kb_versions',
        'kb_version_chunks',
        'kb_jobs',
        'unanswered_resolutions',
        'tenant_api_keys',
      ]),
    );

    await t.http.delete(`/admin/business/${id}`).set(t.admin).expect(200);
    const after = await counts();
    expect(after).toEqual(Object.fromEntries(tables.map((table) => [table, 0])));
  });
});
