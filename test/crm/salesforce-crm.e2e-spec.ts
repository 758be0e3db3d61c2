import { CrmTools } from 'src/crm/crm-tools.port';
import { contactTakeoverAttempt, createTenant, eventually, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeSalesforceServer } from 'test/fakes/fake-salesforce.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Salesforce CRM (REST API against a fake org)', () => {
  let t: TestApp;
  let tools: CrmTools;
  let sf: FakeSalesforceServer;

  beforeAll(async () => {
    sf = await FakeSalesforceServer.start();
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '100', CRM_OUTBOX_BASE_DELAY_MS: '50', CRM_HTTP_TIMEOUT_MS: '400' });
    tools = t.app.get(CrmTools);
  });
  afterAll(async () => {
    await t.close();
    await sf.stop();
  });

  const put = (id: string, credentials: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    t.http.put(`/admin/business/${id}/crm`).set(t.admin).send({ type: 'salesforce', credentials, options });
  const viaRefreshToken = async (options: Record<string, unknown> = {}) => {
    const id = await createTenant(t);
    await put(
      id,
      { refreshToken: sf.oauth.refreshToken, clientId: sf.oauth.clientId, clientSecret: sf.oauth.clientSecret },
      { loginUrl: sf.baseUrl, ...options },
    ).expect(200);
    return id;
  };

  it('gets a session from the refresh token, creates a Lead with Salesforce required fields and links the Opportunity', async () => {
    const id = await viaRefreshToken({ opportunityLeadField: 'Lead__c' });
    const lead = leadFactory.build({ company: undefined, lastName: undefined });
    const ctx = toolContext(id, { email: lead.email, phone: lead.phone, firstName: 'Grace' });
    const contact = await tools.execute('create_contact', { message: 'Needs a quote' }, ctx);
    expect(contact).toMatchObject({ ok: true, contactId: expect.stringMatching(/^00Q/) });
    const [stored] = sf.all('Lead').filter((l) => l.Email === lead.email);
    expect(stored).toMatchObject({
      FirstName: 'Grace',
      LastName: '[not provided]',
      Company: '[not provided]',
      Phone: lead.phone,
      Description: 'Needs a quote',
    });

    const deal = await tools.execute(
      'create_deal',
      { title: 'Quote', amount: 300 },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    expect(deal).toMatchObject({ ok: true, dealId: expect.stringMatching(/^006/) });
    expect(sf.objects.get('Opportunity')!.get(deal.dealId!)).toMatchObject({
      Name: 'Quote',
      StageName: 'Prospecting',
      Amount: 300,
      Lead__c: contact.contactId,
    });
  });

  it("keeps the Lead's name and phone when another visitor gives its email, and opens a Task on it with their values", async () => {
    const id = await viaRefreshToken();
    const { alice, mallory, malloryResult } = await contactTakeoverAttempt(tools, id);
    expect(malloryResult).toEqual({
      ok: true,
      contactId: alice.contactId,
      data: { saved: true },
    });

    // Company held the "[not provided]" placeholder, so it is filled; the rest stays Alice's.
    expect(sf.objects.get('Lead')!.get(alice.contactId!)).toMatchObject({
      FirstName: 'Alice',
      LastName: 'Victim',
      Phone: '+14155550100',
      Company: 'Evil Corp',
    });
    const tasks = sf.all('Task').filter((task) => task.WhoId === alice.contactId);
    expect(tasks).toEqual([
      expect.objectContaining({ Status: 'Not Started', Subject: 'Check details from an unverified visitor' }),
    ]);
    for (const line of ['First name: Mallory', 'Last name: Evil', 'Phone: +14155550199', mallory.sessionId]) {
      expect(tasks[0].Description).toContain(line);
    }
  });

  it('finds the existing Lead by email and fills its empty fields (204) instead of creating another', async () => {
    const id = await viaRefreshToken();
    const lead = leadFactory.build();
    const first = await tools.execute('create_contact', {}, toolContext(id, { email: lead.email, lastName: "O'Neil" }));
    const second = await tools.execute('create_contact', {}, toolContext(id, { email: lead.email, company: 'Acme' }));
    expect(second).toEqual({ ok: true, contactId: first.contactId, data: { saved: true } });
    // Company held Salesforce's "[not provided]" placeholder: empty, so the visitor's value fills it.
    expect(sf.all('Lead').filter((l) => l.Email === lead.email)).toEqual([
      expect.objectContaining({ Company: 'Acme', LastName: "O'Neil" }),
    ]);
  });

  it('refreshes an expired session once and replays the call', async () => {
    const id = await viaRefreshToken();
    await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
    const tokensBefore = sf.tokenRequests;
    sf.expireSession();
    const res = await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
    expect(res.ok).toBe(true);
    expect(sf.tokenRequests).toBe(tokensBefore + 1);
  });

  it('uses a Contact and OpportunityContactRole with an access token and instance URL', async () => {
    const id = await createTenant(t);
    await put(
      id,
      { instanceUrl: sf.baseUrl, accessToken: sf.accessToken },
      { contactObject: 'Contact', opportunityStage: 'Qualification' },
    ).expect(200);
    const ctx = toolContext(id, leadFactory.build());
    const contact = await tools.execute('create_contact', {}, ctx);
    expect(contact.contactId).toMatch(/^003/);
    const deal = await tools.execute(
      'create_deal',
      { title: 'Solar' },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    expect(sf.objects.get('Opportunity')!.get(deal.dealId!)).toMatchObject({ StageName: 'Qualification' });
    expect(sf.all('OpportunityContactRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ OpportunityId: deal.dealId, ContactId: contact.contactId, IsPrimary: true }),
      ]),
    );
    const pipelines = await t.http.get(`/admin/business/${id}/crm/pipelines`).set(t.admin).expect(200);
    expect(pipelines.body[0].stages.map((s: { id: string }) => s.id)).toEqual([
      'Prospecting',
      'Qualification',
      'Closed Won',
    ]);
  });

  it('queues on REQUEST_LIMIT_EXCEEDED and delivers after the limit clears', async () => {
    const id = await viaRefreshToken();
    sf.failNext(
      {
        kind: 'status',
        status: 403,
        headers: { 'Retry-After': '1' },
        body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      },
      { match: /query/ },
    );
    const lead = leadFactory.build();
    const res = await tools.execute('create_contact', {}, toolContext(id, lead));
    expect(res).toMatchObject({ ok: true, queued: true });
    await eventually(async () => (sf.all('Lead').some((l) => l.Email === lead.email) ? true : undefined));
  });

  it('reports a revoked refresh token in plain words and fails the write without retrying', async () => {
    const id = await createTenant(t);
    await put(
      id,
      { refreshToken: 'revoked', clientId: sf.oauth.clientId, clientSecret: sf.oauth.clientSecret },
      { loginUrl: sf.baseUrl },
    ).expect(200);
    const test = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
    expect(test.body).toMatchObject({
      type: 'salesforce',
      ok: false,
      message: expect.stringContaining('rejected the credentials'),
    });
    const res = await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
    expect(res.ok).toBe(false);
  });

  it('validates Salesforce credentials naming the missing field', async () => {
    const id = await createTenant(t);
    expect((await put(id, { accessToken: 'x' }).expect(400)).body.message).toContain('credentials.instanceUrl');
    expect((await put(id, { refreshToken: 'x', clientSecret: 'y' }).expect(400)).body.message).toContain(
      'credentials.clientId',
    );
    expect((await put(id, {}).expect(400)).body.message).toContain('credentials.accessToken');
    expect(
      (await put(id, { instanceUrl: sf.baseUrl, accessToken: 'x' }, { contactObject: 'Account' }).expect(400)).body
        .message,
    ).toContain('options.contactObject');
  });
});
