import { CrmTools } from 'src/crm/crm-tools.port';
import { createTenant, eventually, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('HubSpot CRM (real @hubspot/api-client against a fake HubSpot)', () => {
  let t: TestApp;
  let tools: CrmTools;
  let hubspot: FakeHubspotServer;

  beforeAll(async () => {
    hubspot = await FakeHubspotServer.start();
    t = await bootTestApp({
      CRM_OUTBOX_POLL_MS: '100',
      CRM_OUTBOX_BASE_DELAY_MS: '50',
      CRM_HTTP_TIMEOUT_MS: '400',
      CRM_SYNC_TIMEOUT_MS: '1500',
      CRM_OUTBOX_MAX_ATTEMPTS: '5',
    });
    tools = t.app.get(CrmTools);
  });
  afterEach(() => hubspot.clearFaults());
  afterAll(async () => {
    await t.close();
    await hubspot.stop();
  });

  const connect = async (id: string, extra: Record<string, unknown> = {}) =>
    t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({
        type: 'hubspot',
        credentials: { accessToken: hubspot.accessToken },
        options: { apiBaseUrl: hubspot.baseUrl, pipeline: 'default', dealStage: 'appointmentscheduled' },
        ...extra,
      })
      .expect(200);
  const outbox = async (id: string) =>
    (await t.http.get(`/admin/business/${id}/crm/outbox`).set(t.admin).expect(200)).body;
  const contactsIn = (email: string) => [...hubspot.contacts.values()].filter((c) => c.properties.email === email);

  it('creates the contact with mapped and constant fields, then an associated deal, and mirrors both locally', async () => {
    const id = await createTenant(t);
    await connect(id, {
      fieldMapping: { fields: { sessionId: 'chat_session_id' }, constants: { lead_source_detail: 'ai_concierge' } },
    });
    const lead = leadFactory.build();
    const ctx = toolContext(id, lead);
    const contact = await tools.execute('create_contact', { message: 'Leaking boiler' }, ctx);
    expect(contact).toMatchObject({ ok: true, contactId: expect.any(String) });
    const [remote] = contactsIn(lead.email);
    expect(remote.properties).toMatchObject({
      email: lead.email,
      firstname: 'Ada',
      lastname: 'Lovelace',
      phone: lead.phone,
      company: 'Analytical Engines',
      message: 'Leaking boiler',
      chat_session_id: ctx.sessionId,
      lead_source_detail: 'ai_concierge',
    });

    const deal = await tools.execute(
      'create_deal',
      { title: 'Boiler repair', amount: 450 },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    expect(deal).toMatchObject({ ok: true, dealId: expect.any(String) });
    const remoteDeal = hubspot.deals.get(deal.dealId!)!;
    expect(remoteDeal.properties).toMatchObject({
      dealname: 'Boiler repair',
      amount: '450',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
    });
    expect(remoteDeal.contactIds).toEqual([contact.contactId]);

    const mirrored = (await t.http.get(`/admin/business/${id}/crm/contacts`).set(t.admin)).body;
    expect(mirrored).toEqual([
      expect.objectContaining({ crmType: 'hubspot', externalId: contact.contactId, email: lead.email }),
    ]);
    const deals = (await t.http.get(`/admin/business/${id}/crm/deals`).set(t.admin)).body;
    expect(deals).toEqual([
      expect.objectContaining({ crmType: 'hubspot', externalId: deal.dealId, contactExternalId: contact.contactId }),
    ]);
  });

  it('searches by email and then phone and fills the empty fields of the existing HubSpot contact instead of duplicating', async () => {
    const id = await createTenant(t);
    await connect(id);
    const lead = leadFactory.build();
    const first = await tools.execute('create_contact', {}, toolContext(id, { phone: lead.phone, firstName: 'Ada' }));
    const patchesBefore = hubspot.count('PATCH', /contacts\//);
    const second = await tools.execute(
      'create_contact',
      {},
      toolContext(id, { email: lead.email, phone: lead.phone, company: 'Babbage & Co' }),
    );
    expect(second).toEqual({ ok: true, contactId: first.contactId, data: { saved: true } });
    expect(hubspot.count('PATCH', /contacts\//)).toBe(patchesBefore + 1);
    expect(hubspot.contacts.get(first.contactId!)!.properties).toMatchObject({
      email: lead.email,
      company: 'Babbage & Co',
    });
    expect([...hubspot.contacts.values()].filter((c) => c.properties.phone === lead.phone)).toHaveLength(1);
  });

  it('updates the contact HubSpot names in a 409 when a create races an existing email', async () => {
    const id = await createTenant(t);
    await connect(id);
    const lead = leadFactory.build();
    await tools.execute('create_contact', {}, toolContext(id, { email: lead.email }));
    // The search index lags: HubSpot's search misses the contact, its create answers 409 with the existing id.
    hubspot.failNext({ kind: 'status', status: 200, body: { total: 0, results: [] } }, { match: /search/, times: 2 });
    const again = await tools.execute(
      'create_contact',
      {},
      toolContext(id, { email: lead.email, company: 'Race Ltd' }),
    );
    expect(again.ok).toBe(true);
    expect(contactsIn(lead.email)).toHaveLength(1);
    expect(contactsIn(lead.email)[0].properties.company).toBe('Race Ltd');
  });

  it('answers queued on 429 and writes the contact after the Retry-After delay', async () => {
    const id = await createTenant(t);
    await connect(id);
    const lead = leadFactory.build();
    hubspot.failNext(
      {
        kind: 'status',
        status: 429,
        headers: { 'Retry-After': '1' },
        body: {
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'SECONDLY',
        },
      },
      { match: /search/ },
    );
    const started = Date.now();
    const res = await tools.execute('create_contact', {}, toolContext(id, lead));
    expect(res).toMatchObject({ ok: true, queued: true });
    const [item] = await outbox(id);
    expect(item).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('CRM.RATE_LIMITED'),
    });
    expect(new Date(item.nextAttemptAt).getTime()).toBeGreaterThanOrEqual(started + 900);
    const done = await eventually(async () => ((await outbox(id))[0].status === 'done' ? true : undefined));
    expect(done).toBe(true);
    expect(contactsIn(lead.email)).toHaveLength(1);
  });

  it('retries 5xx, timeouts and malformed answers in the background and ends with exactly one contact and one deal', async () => {
    const id = await createTenant(t);
    await connect(id);
    const lead = leadFactory.build();
    const ctx = toolContext(id, lead);
    hubspot.failNext(
      { kind: 'status', status: 503, body: { status: 'error', message: 'Service Unavailable' } },
      { match: /search/ },
    );
    hubspot.failNext({ kind: 'hang' }, { match: /search/ });
    hubspot.failNext({ kind: 'malformed' }, { match: /search/ });
    hubspot.failNext({ kind: 'status', status: 502, body: {} }, { match: /POST \/crm\/v3\/objects\/deals/, times: 2 });
    const contact = await tools.execute('create_contact', {}, ctx);
    expect(contact).toMatchObject({ ok: true, queued: true });
    // The engine has no contact id yet: the deal waits on the session's queued contact.
    const deal = await tools.execute('create_deal', { title: 'Boiler' }, ctx);
    expect(deal).toMatchObject({ ok: true, queued: true });

    const items = await eventually(async () => {
      const list = await outbox(id);
      return list.length === 2 && list.every((i: { status: string }) => i.status === 'done') ? list : undefined;
    }, 20000);
    expect(contactsIn(lead.email)).toHaveLength(1);
    const deals = [...hubspot.deals.values()].filter((d) => d.contactIds.includes(contactsIn(lead.email)[0].id));
    expect(deals).toHaveLength(1);
    expect(items.find((i: { operation: string }) => i.operation === 'create_deal').result).toMatchObject({
      dealId: deals[0].id,
    });
  });

  it('does not duplicate a deal whose create succeeded but timed out: the retry finds it first', async () => {
    const id = await createTenant(t);
    await connect(id);
    const lead = leadFactory.build();
    const ctx = toolContext(id, lead);
    const contact = await tools.execute('create_contact', {}, ctx);
    hubspot.failNext({ kind: 'applyThenHang' }, { match: /^POST \/crm\/v3\/objects\/deals$/ });
    const deal = await tools.execute(
      'create_deal',
      { title: 'Gutters' },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    expect(deal).toMatchObject({ ok: true, queued: true });
    const [item] = await eventually(async () => {
      const items = (await outbox(id)).filter(
        (i: { operation: string; status: string }) => i.operation === 'create_deal' && i.status === 'done',
      );
      return items.length ? items : undefined;
    });
    const deals = [...hubspot.deals.values()].filter((d) => d.contactIds.includes(contact.contactId!));
    expect(deals).toHaveLength(1);
    expect(item.result).toMatchObject({ dealId: deals[0].id });
  });

  it('marks a 401 failed without retrying, and a manual retry succeeds once the token is fixed', async () => {
    const id = await createTenant(t);
    await t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({ type: 'hubspot', credentials: { accessToken: 'pat-wrong' }, options: { apiBaseUrl: hubspot.baseUrl } })
      .expect(200);
    const lead = leadFactory.build();
    const res = await tools.execute('create_contact', {}, toolContext(id, lead));
    expect(res).toMatchObject({ ok: false });
    expect(res.error).not.toContain('pat-wrong');
    const [failed] = await outbox(id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('CRM.AUTH_FAILED'),
    });
    expect(JSON.stringify(failed)).not.toContain('pat-wrong');

    await connect(id);
    const retried = await t.http.post(`/admin/business/${id}/crm/outbox/${failed.id}/retry`).set(t.admin).expect(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    await eventually(async () => ((await outbox(id))[0].status === 'done' ? true : undefined));
    expect(contactsIn(lead.email)).toHaveLength(1);
    await t.http.post(`/admin/business/${id}/crm/outbox/${failed.id}/retry`).set(t.admin).expect(409);
  });

  it('lists HubSpot deal pipelines and stages', async () => {
    const id = await createTenant(t);
    await connect(id);
    const res = await t.http.get(`/admin/business/${id}/crm/pipelines`).set(t.admin).expect(200);
    expect(res.body).toEqual([
      {
        id: 'default',
        label: 'Sales Pipeline',
        stages: [
          { id: 'appointmentscheduled', label: 'Appointment Scheduled' },
          { id: 'closedwon', label: 'Closed Won' },
        ],
      },
    ]);
  });
});
