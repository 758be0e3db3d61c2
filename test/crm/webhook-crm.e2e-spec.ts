import { CrmTools } from 'src/crm/crm-tools.port';
import { contactTakeoverAttempt, createTenant, eventually, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeWebhookAuth, FakeWebhookCrmServer } from 'test/fakes/fake-webhook-crm.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

const operations = (base: string) => ({
  searchContact: { method: 'GET', url: `${base}/api/contacts?email={{email}}&phone={{phone}}`, idPath: 'data.0.id' },
  createContact: {
    method: 'POST',
    url: `${base}/api/contacts`,
    headers: { 'X-Source': 'concierge' },
    body: {
      email: '{{email}}',
      phone: '{{phone}}',
      full_name: '{{firstName}} {{lastName}}',
      company: '{{company}}',
      extra: '{{fields}}',
    },
    idPath: 'data.id',
  },
  updateContact: { method: 'PATCH', url: `${base}/api/contacts/{{contactId}}`, body: '{{fields}}', idPath: 'data.id' },
  createDeal: {
    method: 'POST',
    url: `${base}/api/deals`,
    body: { contact: '{{contactId}}', title: '{{dealName}}', value: '{{amount}}' },
    idPath: 'data.id',
  },
  testConnection: { method: 'GET', url: `${base}/api/ping` },
});

describe('Generic webhook CRM connector', () => {
  let t: TestApp;
  let tools: CrmTools;

  beforeAll(async () => {
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '100', CRM_OUTBOX_BASE_DELAY_MS: '50', CRM_HTTP_TIMEOUT_MS: '400' });
    tools = t.app.get(CrmTools);
  });
  afterAll(async () => t.close());

  async function connected(auth: FakeWebhookAuth, creds: Record<string, string>, authOption: Record<string, string>) {
    const crm = await FakeWebhookCrmServer.start(auth);
    const id = await createTenant(t);
    await t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({ type: 'webhook', credentials: creds, options: { auth: authOption, operations: operations(crm.baseUrl) } })
      .expect(200);
    return { crm, id };
  }

  it('creates, deduplicates and merges contacts and creates deals with an API key, rendering the templates', async () => {
    const { crm, id } = await connected(
      { type: 'api_key', header: 'X-Api-Token', apiKey: 'k-123456' },
      { apiKey: 'k-123456' },
      { type: 'api_key', header: 'X-Api-Token' },
    );
    try {
      const lead = leadFactory.build();
      const ctx = toolContext(id, lead);
      const created = await tools.execute('create_contact', { message: 'hello' }, ctx);
      expect(created).toEqual({ ok: true, contactId: expect.stringMatching(/^c_/), data: { saved: true } });
      const stored = crm.contacts.get(created.contactId!)!;
      expect(stored).toMatchObject({
        email: lead.email,
        phone: lead.phone,
        full_name: 'Ada Lovelace',
        extra: expect.objectContaining({ message: 'hello', sessionId: ctx.sessionId }),
      });
      expect(crm.requests.find((r) => r.method === 'POST')!.headers['x-source']).toBe('concierge');

      const again = await tools.execute(
        'update_contact',
        {},
        toolContext(id, { email: lead.email, company: 'Later Ltd' }),
      );
      expect(again).toEqual({ ok: true, contactId: created.contactId, data: { saved: true } });
      expect(crm.contacts.size).toBe(1);
      // The search answer shows the company set: an unverified visitor does not replace it.
      expect(crm.contacts.get(created.contactId!)!.company).toBe('Analytical Engines');

      const deal = await tools.execute(
        'create_deal',
        { title: 'Kitchen refit', amount: 9000 },
        { ...ctx, crm: { contactId: created.contactId } },
      );
      expect(deal).toMatchObject({ ok: true, dealId: expect.stringMatching(/^d_/) });
      expect(crm.deals.get(deal.dealId!)).toMatchObject({
        contact: created.contactId,
        title: 'Kitchen refit',
        value: 9000,
      });
    } finally {
      await crm.stop();
    }
  });

  it('signs the body with HMAC (timestamped) and passes the CRM verification', async () => {
    const { crm, id } = await connected(
      { type: 'hmac', header: 'X-Signature', secret: 'hmac-secret-abcdef' },
      { hmacSecret: 'hmac-secret-abcdef' },
      { type: 'hmac' },
    );
    try {
      const res = await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
      expect(res).toMatchObject({ ok: true, contactId: expect.any(String) });
      expect(crm.contacts.size).toBe(1);
    } finally {
      await crm.stop();
    }
  });

  it('uses basic auth and reports a wrong password as a failed write, not retried', async () => {
    const { crm, id } = await connected(
      { type: 'basic', username: 'u', password: 'right' },
      { username: 'u', password: 'wrong-password' },
      { type: 'basic' },
    );
    try {
      const res = await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
      expect(res.ok).toBe(false);
      const [item] = (await t.http.get(`/admin/business/${id}/crm/outbox`).set(t.admin)).body;
      expect(item).toMatchObject({ status: 'failed', attempts: 1 });
      expect(JSON.stringify(item)).not.toContain('wrong-password');
      const test = await t.http.post(`/admin/business/${id}/crm/test`).set(t.admin).expect(200);
      expect(test.body).toMatchObject({
        type: 'webhook',
        ok: false,
        message: expect.stringContaining('rejected the credentials (HTTP 401)'),
      });
      expect(test.body.message).not.toContain('wrong-password');
    } finally {
      await crm.stop();
    }
  });

  it('queues on 429 with Retry-After, a timeout, a 500 and a malformed body, then delivers exactly once', async () => {
    const { crm, id } = await connected(
      { type: 'bearer', token: 'tok-abcdef' },
      { bearerToken: 'tok-abcdef' },
      { type: 'bearer' },
    );
    try {
      crm.failNext(
        { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: { error: 'rate_limited' } },
        { match: /^GET \/api\/contacts/ },
      );
      crm.failNext({ kind: 'hang' }, { match: /^GET \/api\/contacts/ });
      crm.failNext({ kind: 'status', status: 500, body: { error: 'boom' } }, { match: /^POST \/api\/contacts/ });
      crm.failNext({ kind: 'malformed' }, { match: /^POST \/api\/contacts/ });
      const lead = leadFactory.build();
      const res = await tools.execute('create_contact', {}, toolContext(id, lead));
      expect(res).toMatchObject({ ok: true, queued: true });
      await eventually(async () => {
        const [item] = (await t.http.get(`/admin/business/${id}/crm/outbox`).set(t.admin)).body;
        return item.status === 'done' ? item : undefined;
      }, 20000);
      // The malformed 200 may have been a real create: the retry's search by email finds it instead of duplicating.
      expect([...crm.contacts.values()].filter((c) => c.email === lead.email)).toHaveLength(1);
    } finally {
      await crm.stop();
    }
  });

  it("fills only what the search answer shows empty and sends another visitor's differing values as differingValues", async () => {
    const crm = await FakeWebhookCrmServer.start({ type: 'bearer', token: 'tok-merge-1' });
    try {
      const id = await createTenant(t);
      const base = crm.baseUrl;
      await t.http
        .put(`/admin/business/${id}/crm`)
        .set(t.admin)
        .send({
          type: 'webhook',
          credentials: { bearerToken: 'tok-merge-1' },
          options: {
            auth: { type: 'bearer' },
            operations: {
              searchContact: operations(base).searchContact,
              createContact: {
                url: `${base}/api/contacts`,
                body: {
                  email: '{{email}}',
                  phone: '{{phone}}',
                  firstName: '{{firstName}}',
                  lastName: '{{lastName}}',
                  company: '{{company}}',
                },
                idPath: 'data.id',
              },
              // No body template: the default body is the fields to fill plus differingValues.
              updateContact: { method: 'PATCH', url: `${base}/api/contacts/{{contactId}}`, idPath: 'data.id' },
            },
          },
        })
        .expect(200);
      const { alice, malloryResult } = await contactTakeoverAttempt(tools, id);
      expect(malloryResult).toEqual({
        ok: true,
        contactId: alice.contactId,
        data: { saved: true },
      });

      const patch = crm.requests.find((r) => r.method === 'PATCH');
      expect(patch?.body).toEqual({
        company: 'Evil Corp',
        differingValues: { firstName: 'Mallory', lastName: 'Evil', phone: '+14155550199' },
      });
      expect(crm.contacts.get(alice.contactId!)).toMatchObject({
        firstName: 'Alice',
        lastName: 'Victim',
        phone: '+14155550100',
        company: 'Evil Corp',
      });
    } finally {
      await crm.stop();
    }
  });

  it('rejects configurations naming the bad field', async () => {
    const id = await createTenant(t);
    const put = (options: unknown, credentials: unknown = {}) =>
      t.http.put(`/admin/business/${id}/crm`).set(t.admin).send({ type: 'webhook', credentials, options });
    const base = 'https://crm.example.com';
    const cases: [unknown, unknown, string][] = [
      [{ operations: {} }, {}, 'options.operations.createContact'],
      [
        { operations: { createContact: { url: `${base}/c`, body: { n: '{{password}}' } } } },
        {},
        'options.operations.createContact.body.n',
      ],
      [
        { operations: { createContact: { url: 'ftp://crm.example.com/c' } } },
        {},
        'options.operations.createContact.url',
      ],
      [
        { operations: { createContact: { url: 'https://{{email}}.evil.com/c' } } },
        {},
        'options.operations.createContact.url',
      ],
      [{ auth: { type: 'api_key' }, operations: { createContact: { url: `${base}/c` } } }, {}, 'credentials.apiKey'],
      [{ auth: { type: 'magic' }, operations: { createContact: { url: `${base}/c` } } }, {}, 'options.auth.type'],
      [
        { operations: { createContact: { url: `${base}/c`, method: 'DELETE' } } },
        {},
        'options.operations.createContact.method',
      ],
      [
        { operations: { createContact: { url: `${base}/c`, headers: { 'X-A': 'a\r\nInjected: 1' } } } },
        {},
        'options.operations.createContact.headers.X-A',
      ],
      [
        { operations: { createContact: { url: `${base}/c`, headers: { Authorization: 'Bearer plain' } } } },
        {},
        'options.operations.createContact.headers.Authorization',
      ],
    ];
    for (const [options, credentials, field] of cases) {
      const res = await put(options, credentials);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.message).toContain(field);
    }
    const get = await t.http.get(`/admin/business/${id}/crm`).set(t.admin).expect(200);
    expect(get.body).toMatchObject({ type: 'builtin', configured: false });
  });
});
