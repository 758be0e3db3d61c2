import { DataSource } from 'typeorm';

import { IssuedKey, issueKey, keysPath } from 'test/access/access-test-helpers';
import { chatter, createTenant } from 'test/chat/chat.support';
import { tenantKeyFactory } from 'test/factories/tenant-key.factory';
import { voiceConfigFactory } from 'test/factories/voice.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { waitForJob } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface AuditEntry {
  id: string;
  createdAt: string;
  keyId: string;
  role: string;
  method: string;
  route: string;
  businessId: string | null;
  status: number;
  requestId: string | null;
}

describe('Admin audit log', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await bootTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => t.close());

  const auditOf = async (id: string, headers: Record<string, string> = t.admin, query: Record<string, unknown> = {}) =>
    (await t.http.get(`/admin/business/${id}/audit`).query(query).set(headers).expect(200)).body as {
      entries: AuditEntry[];
      nextCursor: string | null;
    };

  describe('on one tenant', () => {
    let id: string;
    let owner: IssuedKey;
    let editor: IssuedKey;

    beforeAll(async () => {
      id = await createTenant(t);
      owner = await issueKey(t, id, 'owner');
      editor = await issueKey(t, id, 'editor');
    });

    it('records a write of every area with the key id, role, route pattern, status and request id, never the key', async () => {
      const as = (key: IssuedKey, requestId: string) => ({ ...key.headers, 'X-Request-Id': requestId });
      await t.http
        .post('/admin/business')
        .set(as(editor, 'req-config-01'))
        .send({ businessId: id, personality: 'Calm' })
        .expect(200);
      const job = await t.http
        .post(`/admin/business/${id}/knowledge/documents`)
        .set(as(editor, 'req-knowledge-01'))
        .send({ documents: plumbingDocumentsFactory.build() })
        .expect(202);
      await waitForJob(t, id, job.body.jobId as string);
      await t.http
        .put(`/admin/business/${id}/crm`)
        .set(as(editor, 'req-crm-0001'))
        .send({ type: 'builtin' })
        .expect(200);
      await t.http
        .put(`/admin/business/${id}/voice`)
        .set(as(editor, 'req-voice-001'))
        .send(voiceConfigFactory.build())
        .expect(200);
      const made = await t.http
        .post(keysPath(id))
        .set(as(owner, 'req-key-00001'))
        .send(tenantKeyFactory.build())
        .expect(201);
      await t.http
        .delete(keysPath(id, `/${made.body.keyId}`))
        .set(as(owner, 'req-key-00002'))
        .expect(200);
      const c = chatter(t.http, id);
      await c.send('hi').expect(200);
      await t.http
        .delete(`/admin/business/${id}/sessions/${c.sessionId}`)
        .set(as(editor, 'req-session-01'))
        .expect(200);
      await t.http.get(`/admin/business/${id}/crm`).set(as(editor, 'req-read-0001')).expect(200);

      const { entries } = await auditOf(id, owner.headers);
      const written = entries.filter((e) => e.requestId?.startsWith('req-'));
      expect(
        written.map(({ keyId, role, method, route, businessId, status, requestId }) => ({
          keyId,
          role,
          method,
          route,
          businessId,
          status,
          requestId,
        })),
      ).toEqual([
        {
          keyId: editor.keyId,
          role: 'editor',
          method: 'DELETE',
          route: '/admin/business/:id/sessions/:session_id',
          businessId: id,
          status: 200,
          requestId: 'req-session-01',
        },
        {
          keyId: owner.keyId,
          role: 'owner',
          method: 'DELETE',
          route: '/admin/business/:id/keys/:keyId',
          businessId: id,
          status: 200,
          requestId: 'req-key-00002',
        },
        {
          keyId: owner.keyId,
          role: 'owner',
          method: 'POST',
          route: '/admin/business/:id/keys',
          businessId: id,
          status: 201,
          requestId: 'req-key-00001',
        },
        {
          keyId: editor.keyId,
          role: 'editor',
          method: 'PUT',
          route: '/admin/business/:id/voice',
          businessId: id,
          status: 200,
          requestId: 'req-voice-001',
        },
        {
          keyId: editor.keyId,
          role: 'editor',
          method: 'PUT',
          route: '/admin/business/:id/crm',
          businessId: id,
          status: 200,
          requestId: 'req-crm-0001',
        },
        {
          keyId: editor.keyId,
          role: 'editor',
          method: 'POST',
          route: '/admin/business/:id/knowledge/documents',
          businessId: id,
          status: 202,
          requestId: 'req-knowledge-01',
        },
        {
          keyId: editor.keyId,
          role: 'editor',
          method: 'POST',
          route: '/admin/business',
          businessId: id,
          status: 200,
          requestId: 'req-config-01',
        },
      ]);
      for (const e of written) expect(Date.parse(e.createdAt)).toBeGreaterThan(Date.now() - 120_000);
      const stored = JSON.stringify(await db.query('SELECT * FROM admin_audit_log WHERE business_id = $1', [id]));
      for (const key of [owner.key, editor.key, made.body.key as string]) expect(stored).not.toContain(key.slice(21));
    });

    it('records failed writes with their status, and platform-key writes as "platform"', async () => {
      await t.http
        .put(`/admin/business/${id}/crm`)
        .set({ ...editor.headers, 'X-Request-Id': 'req-failed-01' })
        .send({ type: 'nope' })
        .expect(400);
      await t.http
        .delete(`/admin/business/${id}/sessions/no-such-session`)
        .set({ ...t.admin, 'X-Request-Id': 'req-failed-02' })
        .expect(404);
      const { entries } = await auditOf(id);
      expect(
        entries.slice(0, 2).map(({ keyId, role, status, requestId }) => ({ keyId, role, status, requestId })),
      ).toEqual([
        { keyId: 'platform', role: 'platform', status: 404, requestId: 'req-failed-02' },
        { keyId: editor.keyId, role: 'editor', status: 400, requestId: 'req-failed-01' },
      ]);
    });

    it('pages newest first with a cursor, losing and repeating nothing', async () => {
      const all = (await auditOf(id, owner.headers, { limit: 200 })).entries.map((e) => e.id);
      expect(all.length).toBeGreaterThanOrEqual(9);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await auditOf(id, owner.headers, cursor ? { limit: 4, cursor } : { limit: 4 });
        expect(page.entries.length).toBeLessThanOrEqual(4);
        paged.push(...page.entries.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
      expect([...all].sort((x, y) => Number(BigInt(y) - BigInt(x)))).toEqual(all);
    });

    it('rejects a malformed cursor or limit with 400', async () => {
      for (const query of [{ cursor: 'abc' }, { cursor: '-1' }, { limit: 0 }, { limit: 1000 }]) {
        const res = await t.http.get(`/admin/business/${id}/audit`).query(query).set(owner.headers);
        expect(res.status).toBe(400);
      }
    });
  });

  it("shows one tenant's entries only to that tenant", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    await t.http.put(`/admin/business/${a}/crm`).set(t.admin).send({ type: 'builtin' }).expect(200);
    const routes = async (id: string) =>
      (await auditOf(id)).entries.map((e) => `${e.method} ${e.route} ${e.businessId}`);
    expect(await routes(b)).toEqual([`POST /admin/business ${b}`]);
    expect(await routes(a)).toEqual([`PUT /admin/business/:id/crm ${a}`, `POST /admin/business ${a}`]);
    const bOwner = await issueKey(t, b, 'owner');
    expect((await t.http.get(`/admin/business/${a}/audit`).set(bOwner.headers)).body.code).toBe('auth.wrong_tenant');
  });

  it('answers 404 for the audit log of an unknown business', async () => {
    expect((await t.http.get('/admin/business/no-such-business-zz/audit').set(t.admin)).status).toBe(404);
  });

  it("removes a tenant's entries with it but keeps the record of its deletion for the platform key", async () => {
    const doomed = await createTenant(t);
    await t.http.put(`/admin/business/${doomed}/crm`).set(t.admin).send({ type: 'builtin' }).expect(200);
    await t.http
      .delete(`/admin/business/${doomed}`)
      .set({ ...t.admin, 'X-Request-Id': `req-del-${doomed}` })
      .expect(200);
    expect(await db.query('SELECT 1 FROM admin_audit_log WHERE business_id = $1', [doomed])).toEqual([]);
    const platform = (await t.http.get('/admin/audit').query({ limit: 200 }).set(t.admin).expect(200)).body as {
      entries: AuditEntry[];
    };
    expect(platform.entries.find((e) => e.requestId === `req-del-${doomed}`)).toMatchObject({
      keyId: 'platform',
      method: 'DELETE',
      route: '/admin/business/:id',
      businessId: doomed,
      status: 200,
    });
  });

  it('records a write naming an impossible business id without the id', async () => {
    const requestId = `req-long-${Date.now()}`;
    await t.http
      .put(`/admin/business/${'x'.repeat(200)}/crm`)
      .set({ ...t.admin, 'X-Request-Id': requestId })
      .send({ type: 'builtin' })
      .expect(404);
    const platform = (await t.http.get('/admin/audit').query({ limit: 200 }).set(t.admin).expect(200)).body as {
      entries: AuditEntry[];
    };
    expect(platform.entries.find((e) => e.requestId === requestId)).toMatchObject({ businessId: null, status: 404 });
  });

  it('refuses to change or delete entries in the database', async () => {
    const id = await createTenant(t);
    await t.http.put(`/admin/business/${id}/crm`).set(t.admin).send({ type: 'builtin' }).expect(200);
    await expect(db.query('UPDATE admin_audit_log SET status = 299 WHERE business_id = $1', [id])).rejects.toThrow(
      'admin_audit_log is append-only',
    );
    await expect(db.query('DELETE FROM admin_audit_log WHERE business_id = $1', [id])).rejects.toThrow(
      'admin_audit_log is append-only',
    );
    await expect(db.query('TRUNCATE admin_audit_log')).rejects.toThrow('admin_audit_log is append-only');
    expect((await auditOf(id)).entries.map((e) => e.status)).toEqual([200, 201]);
  });
});
