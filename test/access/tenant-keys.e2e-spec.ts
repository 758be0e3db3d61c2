import { DataSource } from 'typeorm';

import { IssuedKey, issueKey, keysPath } from 'test/access/access-test-helpers';
import { createTenant } from 'test/chat/chat.support';
import { businessFactory, uniqueBusinessId } from 'test/factories/business.factory';
import { tenantKeyFactory } from 'test/factories/tenant-key.factory';
import { voiceConfigFactory } from 'test/factories/voice.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Tenant API keys', () => {
  let t: TestApp;
  let db: DataSource;
  let mine: string;
  let other: string;
  let owner: IssuedKey;
  let editor: IssuedKey;
  let viewer: IssuedKey;

  beforeAll(async () => {
    t = await bootTestApp();
    db = t.app.get(DataSource);
    mine = await createTenant(t);
    other = await createTenant(t);
    owner = await issueKey(t, mine, 'owner');
    editor = await issueKey(t, mine, 'editor');
    viewer = await issueKey(t, mine, 'viewer');
  });
  afterAll(async () => t.close());

  describe('management', () => {
    it('shows a new key once, stores only its hash, and lists keys without secrets', async () => {
      const created = await t.http.post(keysPath(mine)).set(t.admin).send({ name: '  CI deploy  ', role: 'viewer' });
      expect(created.status).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      expect(created.body).toMatchObject({
        success: true,
        name: 'CI deploy',
        role: 'viewer',
        lastUsedAt: null,
        revokedAt: null,
      });
      const { key, keyId, prefix } = created.body as { key: string; keyId: string; prefix: string };
      expect(key).toMatch(/^cpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(`${prefix}_`)).toBe(true);
      const secret = key.slice(prefix.length + 1);

      const [row] = await db.query('SELECT * FROM tenant_api_keys WHERE id = $1', [keyId]);
      expect(row).toMatchObject({ business_id: mine, role: 'viewer' });
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(row.secret_sha256).toMatch(/^[0-9a-f]{64}$/);

      const list = await t.http.get(keysPath(mine)).set(t.admin).expect(200);
      const listed = (list.body.keys as Array<Record<string, unknown>>).find((k) => k.keyId === keyId);
      expect(listed).toEqual({
        keyId,
        name: 'CI deploy',
        role: 'viewer',
        prefix,
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(JSON.stringify(list.body)).not.toContain(secret);
    });

    it('records when a key was last used', async () => {
      const key = await issueKey(t, mine, 'viewer');
      await t.http.get(`/admin/business/${mine}`).set(key.headers).expect(200);
      const list = await t.http.get(keysPath(mine)).set(owner.headers).expect(200);
      const listed = (list.body.keys as Array<{ keyId: string; lastUsedAt: string | null }>).find(
        (k) => k.keyId === key.keyId,
      )!;
      expect(Date.parse(listed.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('revokes a key at once: it is refused on the next request and listed as revoked', async () => {
      const key = await issueKey(t, mine, 'editor');
      await t.http.get(`/admin/business/${mine}`).set(key.headers).expect(200);
      const revoked = await t.http
        .delete(keysPath(mine, `/${key.keyId}`))
        .set(owner.headers)
        .expect(200);
      expect(revoked.body.key).toMatchObject({ keyId: key.keyId, revokedAt: expect.any(String) });
      const refused = await t.http.get(`/admin/business/${mine}`).set(key.headers);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'AUTH.INVALID_KEY', message: 'This API key has been revoked' });
      const list = await t.http.get(keysPath(mine)).set(t.admin).expect(200);
      expect(
        (list.body.keys as Array<{ keyId: string; revokedAt: string | null }>).find((k) => k.keyId === key.keyId)!
          .revokedAt,
      ).toBe(revoked.body.key.revokedAt);
    });

    it('answers 404 for a key of another tenant and 400 for a malformed key id', async () => {
      const theirs = await issueKey(t, other, 'viewer');
      const res = await t.http.delete(keysPath(mine, `/${theirs.keyId}`)).set(owner.headers);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ACCESS.KEY_NOT_FOUND');
      await t.http.get(`/admin/business/${other}`).set(theirs.headers).expect(200);
      expect((await t.http.delete(keysPath(mine, '/not-a-uuid')).set(owner.headers)).status).toBe(400);
    });

    it('rejects a bad name or role with 400 and creates nothing', async () => {
      const before = (await t.http.get(keysPath(mine)).set(t.admin)).body.keys.length;
      for (const body of [
        { role: 'editor' },
        { name: '   ', role: 'editor' },
        { name: 'x', role: 'admin' },
        { name: 'x'.repeat(101), role: 'viewer' },
        tenantKeyFactory.build({ extra: 1 }),
      ]) {
        const res = await t.http.post(keysPath(mine)).set(t.admin).send(body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      expect((await t.http.get(keysPath(mine)).set(t.admin)).body.keys.length).toBe(before);
    });

    it('answers 404 when creating a key for an unknown business', async () => {
      const res = await t.http
        .post(keysPath(uniqueBusinessId('ghost')))
        .set(t.admin)
        .send(tenantKeyFactory.build());
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('TENANT.NOT_FOUND');
    });

    it("deletes a tenant's keys with the tenant, so they stop working", async () => {
      const doomed = await createTenant(t);
      const key = await issueKey(t, doomed, 'owner');
      await t.http.get(`/admin/business/${doomed}`).set(key.headers).expect(200);
      await t.http.delete(`/admin/business/${doomed}`).set(t.admin).expect(200);
      expect((await t.http.get(`/admin/business/${doomed}`).set(key.headers)).status).toBe(401);
      expect(await db.query('SELECT 1 FROM tenant_api_keys WHERE business_id = $1', [doomed])).toEqual([]);
    });
  });

  describe('scope', () => {
    it("works on its own tenant's admin routes, sent either way", async () => {
      await t.http.get(`/admin/business/${mine}`).set(viewer.headers).expect(200);
      await t.http.get(`/admin/business/${mine}/crm`).set('Authorization', `Bearer ${viewer.key}`).expect(200);
      await t.http.get(`/admin/business/${mine}/knowledge/documents`).set(viewer.headers).expect(200);
    });

    it("refuses another tenant's routes with 403 auth.wrong_tenant, whatever the role", async () => {
      for (const key of [owner, editor, viewer]) {
        for (const path of [
          `/admin/business/${other}`,
          `/admin/business/${other}/crm`,
          `/admin/business/${other}/knowledge/documents`,
          keysPath(other),
        ]) {
          const res = await t.http.get(path).set(key.headers);
          expect({ path, status: res.status, code: res.body.code }).toEqual({
            path,
            status: 403,
            code: 'auth.wrong_tenant',
          });
        }
      }
      const write = await t.http
        .put(`/admin/business/${other}/voice`)
        .set(owner.headers)
        .send(voiceConfigFactory.build());
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('auth.wrong_tenant');
      expect((await t.http.get(`/admin/business/${other}/voice`).set(t.admin)).status).toBe(404);
    });

    it('refuses routes that belong to no tenant', async () => {
      const res = await t.http.get('/admin/voice/metrics').set(owner.headers);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('auth.wrong_tenant');
      expect((await t.http.get('/admin/audit').set(owner.headers)).body.code).toBe('auth.wrong_tenant');
    });

    it('lists only its own tenant', async () => {
      const res = await t.http.get('/admin/business').set(viewer.headers).expect(200);
      expect(Object.keys(res.body.businesses)).toEqual([mine]);
      expect(res.body).toMatchObject({ total: 1, nextCursor: null });
      const platform = await t.http.get('/admin/business').query({ limit: 2 }).set(t.admin).expect(200);
      expect(platform.body.total).toBeGreaterThanOrEqual(2);
    });

    it('updates its own business but can neither create nor delete businesses', async () => {
      const updated = await t.http
        .post('/admin/business')
        .set(editor.headers)
        .send({ businessId: mine, personality: 'Dry wit' });
      expect(updated.status).toBe(200);
      expect(updated.body.config.personality).toBe('Dry wit');

      const fresh = businessFactory.build();
      const create = await t.http.post('/admin/business').set(owner.headers).send(fresh);
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('auth.wrong_tenant');
      expect((await t.http.get(`/admin/business/${fresh.businessId}`).set(t.admin)).status).toBe(404);

      const legacy = await t.http
        .post('/admin/business')
        .set(owner.headers)
        .send({ business_id: other, business_name: 'Hijacked' });
      expect(legacy.status).toBe(403);
      expect((await t.http.get(`/admin/business/${other}`).set(t.admin)).body.config.businessName).toBe(
        'Acme Plumbing',
      );

      const del = await t.http.delete(`/admin/business/${mine}`).set(owner.headers);
      expect(del.status).toBe(403);
      expect(del.body.code).toBe('auth.insufficient_role');
      await t.http.get(`/admin/business/${mine}`).set(t.admin).expect(200);
    });
  });

  describe('roles', () => {
    it('lets a viewer read but not write', async () => {
      const put = await t.http.put(`/admin/business/${mine}/crm`).set(viewer.headers).send({ type: 'builtin' });
      expect(put.status).toBe(403);
      expect(put.body.code).toBe('auth.insufficient_role');
      expect(
        (await t.http.post('/admin/business').set(viewer.headers).send({ businessId: mine, personality: 'x' })).status,
      ).toBe(403);
      expect((await t.http.get(`/admin/business/${mine}/crm`).set(t.admin)).body.configured).toBe(false);
    });

    it('lets an editor write but not manage keys or read the audit log', async () => {
      await t.http.put(`/admin/business/${mine}/crm`).set(editor.headers).send({ type: 'builtin' }).expect(200);
      for (const req of [
        t.http.post(keysPath(mine)).set(editor.headers).send(tenantKeyFactory.build()),
        t.http.get(keysPath(mine)).set(editor.headers),
        t.http.delete(keysPath(mine, `/${viewer.keyId}`)).set(editor.headers),
        t.http.get(`/admin/business/${mine}/audit`).set(editor.headers),
      ]) {
        const res = await req;
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('auth.insufficient_role');
      }
      await t.http.get(`/admin/business/${mine}`).set(viewer.headers).expect(200);
    });

    it('lets an owner manage keys of its own tenant, owners included', async () => {
      const created = await t.http
        .post(keysPath(mine))
        .set(owner.headers)
        .send(tenantKeyFactory.build({ role: 'owner' }))
        .expect(201);
      await t.http
        .get(`/admin/business/${mine}/audit`)
        .set('X-Admin-API-Key', created.body.key as string)
        .expect(200);
      await t.http
        .delete(keysPath(mine, `/${created.body.keyId}`))
        .set(owner.headers)
        .expect(200);
    });
  });

  describe('the platform key', () => {
    it('keeps full access: every tenant, creating and deleting businesses, platform routes', async () => {
      const id = await createTenant(t);
      await t.http.get(`/admin/business/${other}`).set(t.admin).expect(200);
      await t.http.get('/admin/voice/metrics').set(t.admin).expect(200);
      await t.http.get('/admin/audit').set('Authorization', `Bearer ${t.admin['X-Admin-API-Key']}`).expect(200);
      await t.http.delete(`/admin/business/${id}`).set(t.admin).expect(200);
    });

    it('is still required: no key is 401, a made-up cpk_ key is 401', async () => {
      expect((await t.http.get(`/admin/business/${mine}`)).status).toBe(401);
      const forged = await t.http
        .get(`/admin/business/${mine}`)
        .set('X-Admin-API-Key', `${owner.key.slice(0, 21)}${'A'.repeat(43)}`);
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('AUTH.INVALID_KEY');
    });
  });
});
