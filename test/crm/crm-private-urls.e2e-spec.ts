import { CrmTools } from 'src/crm/crm-tools.port';
import { createTenant, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import { FakeWebhookCrmServer } from 'test/fakes/fake-webhook-crm.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** The production default: CRM endpoints configured by a tenant may not point into the platform's own network. */
describe('CRM endpoints on non-public addresses (OUTBOUND_ALLOW_PRIVATE_URLS=false)', () => {
  let t: TestApp;
  let tools: CrmTools;
  let crm: FakeWebhookCrmServer;
  let hubspot: FakeHubspotServer;

  beforeAll(async () => {
    t = await bootTestApp({
      OUTBOUND_ALLOW_PRIVATE_URLS: 'false',
      CRM_OUTBOX_POLL_MS: '0',
      CRM_HTTP_TIMEOUT_MS: '2000',
    });
    tools = t.app.get(CrmTools);
    crm = await FakeWebhookCrmServer.start({ type: 'bearer', token: 'bearer-123456' });
    hubspot = await FakeHubspotServer.start();
  });
  afterAll(async () => {
    await crm.stop();
    await hubspot.stop();
    await t.close();
  });

  const webhookTo = (base: string) => ({
    type: 'webhook',
    credentials: { bearerToken: 'bearer-123456' },
    options: {
      auth: { type: 'bearer' },
      operations: {
        createContact: { method: 'POST', url: `${base}/api/contacts`, idPath: 'data.id' },
        testConnection: { method: 'GET', url: `${base}/api/ping` },
      },
    },
  });

  it.each([
    ['a loopback IP', (port: string) => `http://127.0.0.1:${port}`],
    ['a hostname that resolves to loopback', (port: string) => `http://localhost:${port}`],
  ])(
    'refuses a webhook on %s: the test call says why, and a lead write fails without retries',
    async (_label, base) => {
      const id = await createTenant(t);
      const port = new URL(crm.baseUrl).port;
      await t.http
        .put(`/admin/business/${id}/crm`)
        .set(t.admin)
        .send(webhookTo(base(port)))
        .expect(200);

      const test = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
      expect(test.body).toMatchObject({ ok: false, message: expect.stringContaining('non-public address') });

      const res = await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
      expect(res.ok).toBe(false);
      const [item] = (await t.http.get(`/admin/business/${id}/crm/outbox`).set(t.admin)).body;
      expect(item).toMatchObject({ status: 'failed', attempts: 1 });
      expect(crm.contacts.size).toBe(0);
    },
  );

  it('refuses a Salesforce instance on the cloud metadata address', async () => {
    const id = await createTenant(t);
    await t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({ type: 'salesforce', credentials: { instanceUrl: 'http://169.254.169.254', accessToken: 'token' } })
      .expect(200);
    const test = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
    expect(test.body).toMatchObject({
      type: 'salesforce',
      ok: false,
      message: expect.stringContaining('non-public address'),
    });
  });

  it.each([
    ['a loopback IP', (port: string) => `http://127.0.0.1:${port}`],
    ['a hostname that resolves to loopback', (port: string) => `http://localhost:${port}`],
  ])('refuses a HubSpot API base URL on %s, although the SDK makes its own requests', async (_label, base) => {
    const id = await createTenant(t);
    const apiBaseUrl = base(new URL(hubspot.baseUrl).port);
    await t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({ type: 'hubspot', credentials: { accessToken: hubspot.accessToken }, options: { apiBaseUrl } })
      .expect(200);

    const test = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
    expect(test.body).toMatchObject({
      type: 'hubspot',
      ok: false,
      message: expect.stringContaining('non-public address'),
    });

    const res = await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
    expect(res.ok).toBe(false);
    const [item] = (await t.http.get(`/admin/business/${id}/crm/outbox`).set(t.admin)).body;
    expect(item).toMatchObject({ status: 'failed', attempts: 1 });
    expect(hubspot.contacts.size).toBe(0);
  });
});
