import { LlmProvider, LlmRequest } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { callTool, say, ScriptedLlm } from 'test/chat/scripted-llm';
import { eventually } from 'test/crm/crm-test-helpers';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import type { TestApp } from 'test/support/test-app';

/**
 * The whole path from a visitor's words to the tenant's CRM: POST /chat captures the lead deterministically, a
 * scripted model (the offline provider never calls tools) asks for create_contact then create_deal, and the real
 * CrmTools, outbox and adapters do the rest.
 */
describe('Chat conversation to CRM lead', () => {
  const llm = new ScriptedLlm();
  let t: TestApp;
  let hubspot: FakeHubspotServer;

  beforeAll(async () => {
    hubspot = await FakeHubspotServer.start();
    t = await bootAppWith([[LlmProvider, llm]], {
      CRM_OUTBOX_POLL_MS: '100',
      CRM_OUTBOX_BASE_DELAY_MS: '50',
      CRM_SYNC_TIMEOUT_MS: '800',
    });
  });
  afterAll(async () => {
    await t.close();
    await hubspot.stop();
  });
  beforeEach(() => llm.reset());

  /** Once the visitor has given name, email and phone, the model saves the contact, then the deal, then answers. */
  function scriptLeadSaving() {
    const lastToolOk = (req: LlmRequest) => {
      const last = req.turns.at(-1);
      return last?.role === 'tool' && last.results.every((r) => r.response.ok === true);
    };
    llm.next(
      (req) =>
        callTool('create_contact', {
          firstName: req.grounding.captured.firstName,
          email: req.grounding.captured.email,
          message: 'Wants a boiler service',
        }),
      (req) => (lastToolOk(req) ? callTool('create_deal', { title: 'Boiler service' }) : say('contact failed')),
      (req) => say(lastToolOk(req) ? 'Thanks, <b>Ada</b>! Our team will call you.' : 'deal failed'),
    );
  }

  async function converse(businessId: string) {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    await c.send('My name is Ada Lovelace').expect(200);
    scriptLeadSaving();
    const res = await c.send('you can reach me at ada.chat@example.com or +1 415 555 2671').expect(200);
    return { c, res };
  }

  it('ends with exactly one contact and one deal in the builtin CRM, and the ids in the session', async () => {
    const businessId = await createTenant(t);
    const { c, res } = await converse(businessId);
    expect(res.body.response).toContain('Thanks, <b>Ada</b>!');
    const contacts = (await t.http.get(`/admin/business/${businessId}/crm/contacts`).set(t.admin)).body;
    expect(contacts).toEqual([
      expect.objectContaining({
        crmType: 'builtin',
        email: 'ada.chat@example.com',
        phone: '+14155552671',
        firstName: 'Ada',
        lastName: 'Lovelace',
      }),
    ]);
    const deals = (await t.http.get(`/admin/business/${businessId}/crm/deals`).set(t.admin)).body;
    expect(deals).toEqual([
      expect.objectContaining({
        name: 'Boiler service',
        contactExternalId: contacts[0].externalId,
        sessionId: c.sessionId,
      }),
    ]);
    const session = (await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin)).body;
    expect(session.crm).toEqual({ contactId: contacts[0].externalId, dealId: deals[0].externalId });
  });

  it('with HubSpot down for the first attempts, answers the visitor and still ends with exactly one contact and one deal', async () => {
    const businessId = await createTenant(t);
    await t.http
      .put(`/admin/business/${businessId}/crm`)
      .set(t.admin)
      .send({
        type: 'hubspot',
        credentials: { accessToken: hubspot.accessToken },
        options: { apiBaseUrl: hubspot.baseUrl },
      })
      .expect(200);
    hubspot.failNext(
      { kind: 'status', status: 503, body: { status: 'error', message: 'Service Unavailable' } },
      { times: 3 },
    );
    const { res } = await converse(businessId);
    expect(res.body.response).toContain('Thanks, <b>Ada</b>!');

    const outbox = await eventually(async () => {
      const items = (await t.http.get(`/admin/business/${businessId}/crm/outbox`).set(t.admin)).body as {
        status: string;
      }[];
      return items.length === 2 && items.every((i) => i.status === 'done') ? items : undefined;
    }, 20000);
    expect(outbox).toHaveLength(2);
    const remote = [...hubspot.contacts.values()].filter((x) => x.properties.email === 'ada.chat@example.com');
    expect(remote).toHaveLength(1);
    expect(remote[0].properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', phone: '+14155552671' });
    const deals = [...hubspot.deals.values()].filter((d) => d.contactIds.includes(remote[0].id));
    expect(deals).toHaveLength(1);
  });

  it("keeps tenant A's conversation out of tenant B's CRM", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    await converse(a);
    expect((await t.http.get(`/admin/business/${b}/crm/contacts`).set(t.admin)).body).toEqual([]);
    expect((await t.http.get(`/admin/business/${b}/crm/deals`).set(t.admin)).body).toEqual([]);
    expect((await t.http.get(`/admin/business/${a}/crm/contacts`).set(t.admin)).body).toHaveLength(1);
  });
});
