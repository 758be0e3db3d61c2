import { statSync } from 'node:fs';
import { join } from 'node:path';

import { DataSource } from 'typeorm';

import { GENERATED_KEY_FILE } from 'src/common/crypto/secret-cipher';
import { CrmTools } from 'src/crm/crm-tools.port';
import { createTenant, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('CRM configuration API and credential encryption', () => {
  let t: TestApp;
  let hubspot: FakeHubspotServer;
  let db: DataSource;

  beforeAll(async () => {
    hubspot = await FakeHubspotServer.start('pat-na1-SECRET-CANARY-123');
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '0' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await hubspot.stop();
  });

  const put = (id: string, body: Record<string, unknown>) =>
    t.http.put(`/admin/business/${id}/crm`).set(t.admin).send(body);
  const hubspotBody = (accessToken = hubspot.accessToken) => ({
    type: 'hubspot',
    credentials: { accessToken, clientSecret: 'client-secret-CANARY' },
    fieldMapping: { fields: { message: 'notes' }, constants: { lead_source: 'chatbot' } },
    options: { apiBaseUrl: hubspot.baseUrl, pipeline: 'default' },
  });
  const storedBlob = async (id: string) =>
    (
      (await db.query('SELECT credentials_encrypted FROM crm_configs WHERE business_id = $1', [id])) as {
        credentials_encrypted: string;
      }[]
    )[0].credentials_encrypted;

  it('stores credentials encrypted and returns the connection with every secret redacted', async () => {
    const id = await createTenant(t);
    const res = await put(id, hubspotBody()).expect(200);
    expect(res.body).toMatchObject({
      type: 'hubspot',
      configured: true,
      credentials: { accessToken: '********', clientSecret: '********' },
      fieldMapping: { fields: { message: 'notes' }, constants: { lead_source: 'chatbot' } },
      options: { apiBaseUrl: hubspot.baseUrl, pipeline: 'default' },
    });
    const got = await t.http.get(`/admin/business/${id}/crm`).set(t.admin).expect(200);
    expect(JSON.stringify(got.body)).not.toContain('CANARY');
    const blob = await storedBlob(id);
    expect(blob).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(blob).not.toContain('CANARY');
  });

  it('generates the encryption key outside production under DATA_DIR, readable by the owner only', () => {
    const mode = statSync(join(process.env.DATA_DIR!, GENERATED_KEY_FILE)).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('keeps stored secrets when the redacted placeholders are sent back, and tests the connection in plain words', async () => {
    const id = await createTenant(t);
    await put(id, hubspotBody()).expect(200);
    const edited = {
      ...hubspotBody(),
      credentials: { accessToken: '********', clientSecret: '********' },
      options: { apiBaseUrl: hubspot.baseUrl, pipeline: 'other' },
    };
    await put(id, edited).expect(200);
    const ok = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
    expect(ok.body).toEqual({
      type: 'hubspot',
      ok: true,
      message: 'Connected to HubSpot: the access token can read contacts.',
    });

    await put(id, hubspotBody('pat-na1-wrong-CANARY')).expect(200);
    const bad = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
    expect(bad.body).toMatchObject({
      type: 'hubspot',
      ok: false,
      message: expect.stringContaining('rejected the credentials (HTTP 401)'),
    });
    expect(bad.body.message).not.toContain('CANARY');
  });

  it('refuses a redacted placeholder when no secret is stored for that CRM type', async () => {
    const id = await createTenant(t);
    const res = await put(id, { type: 'hubspot', credentials: { accessToken: '********' } }).expect(400);
    expect(res.body.message).toContain('credentials.accessToken');
  });

  it('answers 400 naming the bad field for each CRM type, writing nothing', async () => {
    const id = await createTenant(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'hubspot', credentials: {} }, 'credentials.accessToken'],
      [{ type: 'hubspot', credentials: { accessToken: 'a b' } }, 'credentials.accessToken'],
      [{ type: 'hubspot', credentials: { accessToken: 'x', password: 'y' } }, 'credentials.password'],
      [
        { type: 'hubspot', credentials: { accessToken: 'x' }, options: { apiBaseUrl: 'not a url' } },
        'options.apiBaseUrl',
      ],
      [
        { type: 'hubspot', credentials: { accessToken: 'x' }, fieldMapping: { fields: { shoeSize: 'x' } } },
        'fieldMapping.fields.shoeSize',
      ],
      [{ type: 'builtin', options: { defaultStage: 'maybe' } }, 'options.defaultStage'],
      [{ type: 'pipedrive' }, 'type'],
    ];
    for (const [body, field] of cases) {
      const res = await put(id, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.message).toContain(field);
    }
    expect((await t.http.get(`/admin/business/${id}/crm`).set(t.admin)).body.configured).toBe(false);
  });

  it('refuses to decrypt a ciphertext copied into another tenant row and never uses it', async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    await put(a, hubspotBody()).expect(200);
    await put(b, hubspotBody('pat-na1-tenant-b')).expect(200);
    await db.query('UPDATE crm_configs SET credentials_encrypted = $2 WHERE business_id = $1', [
      b,
      await storedBlob(a),
    ]);

    const got = await t.http.get(`/admin/business/${b}/crm`).set(t.admin);
    expect(got.status).toBe(500);
    expect(got.body.code).toBe('CRYPTO.DECRYPT_FAILED');
    expect(JSON.stringify(got.body)).not.toContain('CANARY');

    const before = hubspot.requests.length;
    const res = await t.app.get(CrmTools).execute('create_contact', {}, toolContext(b, leadFactory.build()));
    expect(res.ok).toBe(false);
    expect(hubspot.requests.length).toBe(before);
  });

  it('refuses a tampered ciphertext', async () => {
    const id = await createTenant(t);
    await put(id, hubspotBody()).expect(200);
    const parts = (await storedBlob(id)).split('.');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 0xff;
    parts[4] = ct.toString('base64url');
    await db.query('UPDATE crm_configs SET credentials_encrypted = $2 WHERE business_id = $1', [id, parts.join('.')]);
    const res = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin);
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('CRYPTO.DECRYPT_FAILED');
  });

  it('disconnects with DELETE, falling back to the builtin CRM, and 404s a second DELETE', async () => {
    const id = await createTenant(t);
    await put(id, hubspotBody()).expect(200);
    await t.http.delete(`/admin/business/${id}/crm`).set(t.admin).expect(204);
    expect((await t.http.get(`/admin/business/${id}/crm`).set(t.admin)).body).toMatchObject({
      type: 'builtin',
      configured: false,
    });
    const res = await t.app.get(CrmTools).execute('create_contact', {}, toolContext(id, leadFactory.build()));
    expect(res).toMatchObject({ ok: true });
    expect((await t.http.get(`/admin/business/${id}/crm/contacts`).set(t.admin)).body[0].crmType).toBe('builtin');
    await t.http.delete(`/admin/business/${id}/crm`).set(t.admin).expect(404);
  });

  it('guards every CRM admin endpoint with the admin key and 404s unknown businesses', async () => {
    const id = await createTenant(t);
    await t.http.get(`/admin/business/${id}/crm`).expect(401);
    await t.http.put(`/admin/business/${id}/crm`).send({ type: 'builtin' }).expect(401);
    await t.http.post(`/admin/business/${id}/crm/test`).expect(401);
    await t.http.get(`/admin/business/${id}/crm/outbox`).expect(401);
    await put('no-such-business-zz', { type: 'builtin' }).expect(404);
  });

  it('removes the CRM connection and records when the tenant is deleted', async () => {
    const id = await createTenant(t);
    await put(id, hubspotBody()).expect(200);
    await t.app.get(CrmTools).execute('create_contact', {}, toolContext(id, leadFactory.build()));
    await t.http
      .delete(`/admin/business/${id}`)
      .set(t.admin)
      .expect((r) => expect([200, 204]).toContain(r.status));
    const rows = await db.query(
      `SELECT (SELECT count(*) FROM crm_configs WHERE business_id = $1)::int AS configs,
              (SELECT count(*) FROM crm_contacts WHERE business_id = $1)::int AS contacts,
              (SELECT count(*) FROM crm_outbox WHERE business_id = $1)::int AS outbox`,
      [id],
    );
    expect(rows[0]).toEqual({ configs: 0, contacts: 0, outbox: 0 });
  });
});
