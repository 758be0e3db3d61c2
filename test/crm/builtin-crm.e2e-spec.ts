import { CrmTools } from 'src/crm/crm-tools.port';
import { createTenant, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Builtin CRM through the model tools', () => {
  let t: TestApp;
  let tools: CrmTools;

  beforeAll(async () => {
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '0' });
    tools = t.app.get(CrmTools);
  });
  afterAll(async () => t.close());

  const contacts = async (id: string) =>
    (await t.http.get(`/admin/business/${id}/crm/contacts`).set(t.admin).expect(200)).body;
  const deals = async (id: string) =>
    (await t.http.get(`/admin/business/${id}/crm/deals`).set(t.admin).expect(200)).body;

  it('declares the four CRM tools without any tenant, CRM or contact id parameter', async () => {
    const decls = await tools.declarations('any');
    expect(decls.map((d) => d.name).sort()).toEqual([
      'create_contact',
      'create_deal',
      'search_contact',
      'update_contact',
    ]);
    for (const d of decls) {
      expect(Object.keys(d.parameters.properties)).not.toEqual(expect.arrayContaining(['businessId']));
      expect(Object.keys(d.parameters.properties)).not.toContain('contactId');
    }
  });

  it('creates a contact and a deal for a tenant with no CRM configured, listed by the admin API', async () => {
    const id = await createTenant(t);
    const lead = leadFactory.build();
    const ctx = toolContext(id, lead);
    const contact = await tools.execute('create_contact', { message: 'Needs a water heater' }, ctx);
    expect(contact).toMatchObject({ ok: true, contactId: expect.any(String) });
    const deal = await tools.execute(
      'create_deal',
      { title: 'Water heater', amount: 1200 },
      { ...ctx, crm: { contactId: contact.contactId } },
    );
    expect(deal).toMatchObject({ ok: true, dealId: expect.any(String) });

    const [listed] = await contacts(id);
    expect(listed).toMatchObject({
      crmType: 'builtin',
      externalId: contact.contactId,
      email: lead.email,
      phone: lead.phone,
      firstName: 'Ada',
    });
    expect(listed.fields).toMatchObject({ message: 'Needs a water heater', source: 'chat' });
    const [listedDeal] = await deals(id);
    expect(listedDeal).toMatchObject({
      externalId: deal.dealId,
      contactExternalId: contact.contactId,
      name: 'Water heater',
      stage: 'new',
      amount: '1200.00',
    });
  });

  it('fills the empty fields of the existing contact instead of duplicating when the same email comes back in a new session', async () => {
    const id = await createTenant(t);
    const lead = leadFactory.build();
    const first = await tools.execute('create_contact', {}, toolContext(id, { email: lead.email }));
    const second = await tools.execute(
      'create_contact',
      { company: 'New Co' },
      toolContext(id, { email: lead.email.toUpperCase(), phone: lead.phone }),
    );
    expect(second.contactId).toBe(first.contactId);
    expect(second.data).toEqual({ saved: true });
    const list = await contacts(id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ phone: lead.phone, company: 'New Co' });
  });

  it('finds a contact by phone when the email differs', async () => {
    const id = await createTenant(t);
    const lead = leadFactory.build();
    const first = await tools.execute('create_contact', {}, toolContext(id, { phone: lead.phone }));
    const found = await tools.execute('search_contact', {}, toolContext(id, { phone: lead.phone, email: lead.email }));
    expect(found).toMatchObject({ ok: true, contactId: first.contactId, data: { found: true } });
  });

  it('returns the same deal when create_deal is repeated in one conversation', async () => {
    const id = await createTenant(t);
    const ctx = toolContext(id, leadFactory.build());
    const contact = await tools.execute('create_contact', {}, ctx);
    const withContact = { ...ctx, crm: { contactId: contact.contactId } };
    const a = await tools.execute('create_deal', { title: 'Boiler' }, withContact);
    const b = await tools.execute('create_deal', { title: 'Boiler again' }, withContact);
    expect(b.dealId).toBe(a.dealId);
    expect(await deals(id)).toHaveLength(1);
  });

  it('refuses details the visitor did not give and a phone that is not E.164, writing nothing', async () => {
    const id = await createTenant(t);
    const lead = leadFactory.build();
    const ctx = toolContext(id, { email: lead.email });
    expect(await tools.execute('create_contact', { email: 'someone.else@example.com' }, ctx)).toMatchObject({
      ok: false,
      error: expect.stringContaining('email'),
    });
    expect(await tools.execute('create_contact', { phone: '+14155550100' }, ctx)).toMatchObject({
      ok: false,
      error: expect.stringContaining('phone'),
    });
    expect(await tools.execute('create_contact', {}, toolContext(id, { phone: '415 555 0100' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('E.164'),
    });
    expect(await tools.execute('create_contact', {}, toolContext(id, { firstName: 'Ada' }))).toMatchObject({
      ok: false,
    });
    expect(await tools.execute('create_contact', { businessId: 'other' }, ctx)).toMatchObject({
      ok: false,
      error: expect.stringContaining('businessId'),
    });
    expect(await tools.execute('create_deal', { title: 'x' }, toolContext(id, { email: lead.email }))).toMatchObject({
      ok: false,
    });
    expect(await contacts(id)).toHaveLength(0);
    expect(await deals(id)).toHaveLength(0);
  });

  it("never lets tenant A's tools read or write tenant B's contacts", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const lead = leadFactory.build();
    const inB = await tools.execute('create_contact', {}, toolContext(b, lead));
    const searchFromA = await tools.execute('search_contact', {}, toolContext(a, lead));
    expect(searchFromA).toMatchObject({ ok: true, data: { found: false } });
    const hijack = { ...lead, company: 'Hijack Ltd' };
    const updateFromA = await tools.execute(
      'update_contact',
      {},
      toolContext(a, hijack, { crm: { contactId: inB.contactId } }),
    );
    expect(updateFromA.ok).toBe(true);
    expect(updateFromA.contactId).not.toBe(inB.contactId);
    expect(await contacts(a)).toHaveLength(1);
    const bContacts = await contacts(b);
    expect(bContacts).toHaveLength(1);
    expect(bContacts[0].company).toBe('Analytical Engines');
  });

  it('returns 404 for the contacts of an unknown business and 401 without the admin key', async () => {
    await t.http.get('/admin/business/no-such-biz-xyz/crm/contacts').set(t.admin).expect(404);
    await t.http.get('/admin/business/no-such-biz-xyz/crm/contacts').expect(401);
  });
});
