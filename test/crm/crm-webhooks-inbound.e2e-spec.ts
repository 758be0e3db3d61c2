import { Signature } from '@hubspot/api-client';

import { CrmTools } from 'src/crm/crm-tools.port';
import { createTenant, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import { FakeWebhookCrmServer } from 'test/fakes/fake-webhook-crm.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

const PUBLIC = 'https://concierge.example.com';
const CLIENT_SECRET = 'hubspot-app-client-secret';

describe('Inbound CRM webhooks', () => {
  let t: TestApp;
  let tools: CrmTools;
  let hubspot: FakeHubspotServer;

  beforeAll(async () => {
    hubspot = await FakeHubspotServer.start();
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '0', PUBLIC_BASE_URL: PUBLIC });
    tools = t.app.get(CrmTools);
  });
  afterAll(async () => {
    await t.close();
    await hubspot.stop();
  });

  async function hubspotTenant(): Promise<string> {
    const id = await createTenant(t);
    await t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({
        type: 'hubspot',
        credentials: { accessToken: hubspot.accessToken, clientSecret: CLIENT_SECRET },
        options: { apiBaseUrl: hubspot.baseUrl },
      })
      .expect(200);
    return id;
  }

  async function hubspotTenantWithDeal() {
    const id = await hubspotTenant();
    const ctx = toolContext(id, leadFactory.build());
    const contact = await tools.execute('create_contact', {}, ctx);
    const deal = await tools.execute(
      'create_deal',
      { title: 'Roof' },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    return { id, contactId: contact.contactId!, dealId: deal.dealId! };
  }

  const signed = (id: string, events: unknown[], { secret = CLIENT_SECRET, timestamp = Date.now() } = {}) => {
    const path = `/crm/webhooks/${id}/hubspot`;
    const body = JSON.stringify(events);
    const signature = Signature.getSignature('POST', 'v3', {
      clientSecret: secret,
      requestBody: body,
      url: `${PUBLIC}${path}`,
      timestamp,
      signature: '',
    });
    return t.http
      .post(path)
      .set('Content-Type', 'application/json')
      .set('X-HubSpot-Signature-v3', signature)
      .set('X-HubSpot-Request-Timestamp', String(timestamp))
      .send(body);
  };

  const stageChange = (dealId: string, stage: string) => ({
    eventId: 1,
    subscriptionId: 2,
    portalId: 3,
    appId: 4,
    occurredAt: Date.now(),
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId: Number(dealId),
    propertyName: 'dealstage',
    propertyValue: stage,
    changeSource: 'CRM_UI',
  });

  it('applies a HubSpot deal stage change signed with signature v3', async () => {
    const { id, dealId } = await hubspotTenantWithDeal();
    const res = await signed(id, [stageChange(dealId, 'closedwon'), stageChange('999999', 'closedlost')]).expect(200);
    expect(res.body).toEqual({ received: 2, applied: 1 });
    const [deal] = (await t.http.get(`/admin/business/${id}/crm/deals`).set(t.admin)).body;
    expect(deal).toMatchObject({
      externalId: dealId,
      stage: 'closedwon',
      fields: expect.objectContaining({ dealstage: 'closedwon' }),
    });
  });

  it('keeps the new stage in the mirror but out of what the model reads when it looks the visitor up', async () => {
    const id = await hubspotTenant();
    const lead = leadFactory.build();
    const ctx = toolContext(id, lead);
    const contact = await tools.execute('create_contact', {}, ctx);
    const deal = await tools.execute(
      'create_deal',
      { title: 'Roof' },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    await signed(id, [stageChange(deal.dealId!, 'closedwon')]).expect(200);
    const found = await tools.execute('search_contact', {}, toolContext(id, { email: lead.email }));
    // The visitor is unverified: a lookup says that a record matched, never its deals or stages.
    expect(found).toEqual({ ok: true, contactId: contact.contactId, data: { found: true } });
    const [mirrored] = (await t.http.get(`/admin/business/${id}/crm/deals`).set(t.admin)).body;
    expect(mirrored).toMatchObject({ externalId: deal.dealId, name: 'Roof', stage: 'closedwon' });
  });

  it('rejects a wrong signature, a stale timestamp and a missing signature with 401, changing nothing', async () => {
    const { id, dealId } = await hubspotTenantWithDeal();
    await signed(id, [stageChange(dealId, 'closedwon')], { secret: 'not-the-secret' }).expect(401);
    await signed(id, [stageChange(dealId, 'closedwon')], { timestamp: Date.now() - 10 * 60 * 1000 }).expect(401);
    await t.http
      .post(`/crm/webhooks/${id}/hubspot`)
      .send([stageChange(dealId, 'closedwon')])
      .expect(401);
    const [deal] = (await t.http.get(`/admin/business/${id}/crm/deals`).set(t.admin)).body;
    expect(deal.stage).toBeNull();
  });

  it("cannot change another tenant's deal: events only touch the addressed tenant's records", async () => {
    const victim = await hubspotTenantWithDeal();
    const attacker = await hubspotTenantWithDeal();
    const res = await signed(attacker.id, [stageChange(victim.dealId, 'closedlost')]).expect(200);
    expect(res.body.applied).toBe(0);
    const [deal] = (await t.http.get(`/admin/business/${victim.id}/crm/deals`).set(t.admin)).body;
    expect(deal.stage).toBeNull();
  });

  it('404s a webhook for a CRM type the business does not use', async () => {
    const { id } = await hubspotTenantWithDeal();
    await t.http
      .post(`/crm/webhooks/${id}/webhook`)
      .set('X-CRM-Webhook-Secret', 'x'.repeat(20))
      .send({ events: [] })
      .expect(404);
  });

  it('accepts generic webhook events with the shared secret and refuses them without it', async () => {
    const crm = await FakeWebhookCrmServer.start({ type: 'bearer', token: 'tok-inbound' });
    try {
      const id = await createTenant(t);
      await t.http
        .put(`/admin/business/${id}/crm`)
        .set(t.admin)
        .send({
          type: 'webhook',
          credentials: { bearerToken: 'tok-inbound', inboundSecret: 'inbound-shared-secret-123' },
          options: {
            auth: { type: 'bearer' },
            operations: {
              createContact: { method: 'POST', url: `${crm.baseUrl}/api/contacts`, idPath: 'data.id' },
              createDeal: { method: 'POST', url: `${crm.baseUrl}/api/deals`, idPath: 'data.id' },
            },
          },
        })
        .expect(200);
      const ctx = toolContext(id, leadFactory.build());
      const contact = await tools.execute('create_contact', {}, ctx);
      const deal = await tools.execute(
        'create_deal',
        { title: 'Fence' },
        { ...ctx, crm: { contactId: contact.contactId } },
      );
      const events = {
        events: [
          { object: 'deal', id: deal.dealId, stage: 'won', properties: { probability: 1 } },
          { object: 'contact', id: contact.contactId, properties: { tier: 'gold' } },
        ],
      };
      await t.http
        .post(`/crm/webhooks/${id}/webhook`)
        .set('X-CRM-Webhook-Secret', 'wrong-secret-000000000')
        .send(events)
        .expect(401);
      const ok = await t.http
        .post(`/crm/webhooks/${id}/webhook`)
        .set('X-CRM-Webhook-Secret', 'inbound-shared-secret-123')
        .send(events)
        .expect(200);
      expect(ok.body).toEqual({ received: 2, applied: 2 });
      const [storedDeal] = (await t.http.get(`/admin/business/${id}/crm/deals`).set(t.admin)).body;
      expect(storedDeal).toMatchObject({ stage: 'won', fields: expect.objectContaining({ probability: 1 }) });
      const [storedContact] = (await t.http.get(`/admin/business/${id}/crm/contacts`).set(t.admin)).body;
      expect(storedContact.fields).toMatchObject({ tier: 'gold' });
      await t.http
        .post(`/crm/webhooks/${id}/webhook`)
        .set('X-CRM-Webhook-Secret', 'inbound-shared-secret-123')
        .send({ events: [{ object: 'invoice', id: '1' }] })
        .expect(400);
    } finally {
      await crm.stop();
    }
  });
});
