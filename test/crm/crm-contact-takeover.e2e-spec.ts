import { randomBytes } from 'node:crypto';

import { DataSource } from 'typeorm';

import { LlmProvider, LlmRequest, LlmToolResult } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { callTool, say, ScriptedLlm } from 'test/chat/scripted-llm';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import type { TestApp } from 'test/support/test-app';

/**
 * Issue 11: an anonymous visitor who types someone else's email must not take the contact over. Two real /chat
 * sessions with the same email; the scripted model (the offline provider never calls tools) saves each visitor
 * with the details the session captured, as a real model would.
 */
describe('Unverified visitors cannot take over a CRM contact', () => {
  const llm = new ScriptedLlm();
  let t: TestApp;
  let hubspot: FakeHubspotServer;

  beforeAll(async () => {
    hubspot = await FakeHubspotServer.start();
    t = await bootAppWith([[LlmProvider, llm]], { CRM_OUTBOX_POLL_MS: '0', CRM_SYNC_TIMEOUT_MS: '3000' });
  });
  afterAll(async () => {
    await t.close();
    await hubspot.stop();
  });
  beforeEach(() => llm.reset());

  const captured = (req: LlmRequest) => req.grounding.captured;
  /** Every tool result the model read: the last request of the turn carries them all. */
  const toolResults = (): LlmToolResult[] =>
    (llm.requests.at(-1)?.turns ?? []).flatMap((turn) => (turn.role === 'tool' ? turn.results : []));

  /** One visitor's conversation: name first, then email and phone; the model looks them up, saves them, maybe a deal. */
  async function visitor(businessId: string, name: string, reach: string, deal?: string) {
    llm.reset();
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    await c.send(`My name is ${name}`).expect(200);
    llm.next(
      (req) => callTool('search_contact', { email: captured(req).email }),
      (req) =>
        callTool('create_contact', {
          firstName: captured(req).firstName,
          lastName: captured(req).lastName,
          message: 'Wants a kitchen quote',
        }),
      ...(deal ? [() => callTool('create_deal', { title: deal })] : []),
      () => say('Thanks, our team will be in touch.'),
    );
    await c.send(`you can reach me at ${reach}`).expect(200);
    const results = toolResults();
    expect(results.map((r) => [r.name, r.response.ok])).toEqual([
      ['search_contact', true],
      ['create_contact', true],
      ...(deal ? [['create_deal', true]] : []),
    ]);
    return { sessionId: c.sessionId, results };
  }

  async function outboxPayloads(businessId: string): Promise<Record<string, unknown>[]> {
    const rows: { payload: Record<string, unknown> }[] = await t.app
      .get(DataSource)
      .query(
        `SELECT payload FROM crm_outbox WHERE business_id = $1 AND operation = 'upsert_contact' ORDER BY created_at`,
        [businessId],
      );
    return rows.map((r) => r.payload);
  }

  it("keeps Alice's name and phone in the builtin CRM when Mallory gives her email, and notes Mallory's values", async () => {
    const businessId = await createTenant(t);
    await visitor(businessId, 'Alice Victim', 'alice.victim@example.com or +1 415 555 0100', 'Secret kitchen remodel');
    const mallory = await visitor(businessId, 'Mallory Evil', 'alice.victim@example.com or +1 415 555 0199');

    const contacts = (await t.http.get(`/admin/business/${businessId}/crm/contacts`).set(t.admin).expect(200)).body;
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      firstName: 'Alice',
      lastName: 'Victim',
      email: 'alice.victim@example.com',
      phone: '+14155550100',
    });
    const notes = (
      await t.http.get(`/admin/business/${businessId}/crm/contacts/${contacts[0].id}/notes`).set(t.admin).expect(200)
    ).body;
    expect(notes).toEqual([
      expect.objectContaining({
        sessionId: mallory.sessionId,
        values: { firstName: 'Mallory', lastName: 'Evil', phone: '+14155550199' },
      }),
    ]);
    expect(notes[0].body).toContain('Phone: +14155550199');
    const [, second] = await outboxPayloads(businessId);
    expect(second.differingValues).toEqual({ firstName: 'Mallory', lastName: 'Evil', phone: '+14155550199' });
  });

  it('shows the model nothing of the existing contact or its deals, only that the visitor was recorded', async () => {
    const businessId = await createTenant(t);
    await visitor(businessId, 'Alice Victim', 'alice.victim@example.com or +1 415 555 0100', 'Secret kitchen remodel');
    const [aliceContact] = (await t.http.get(`/admin/business/${businessId}/crm/contacts`).set(t.admin)).body;
    const mallory = await visitor(businessId, 'Mallory Evil', 'alice.victim@example.com or +1 415 555 0199');

    const seen = JSON.stringify(mallory.results.map((r) => r.response));
    for (const secret of [
      'Alice',
      'Victim',
      '0100',
      'Secret kitchen remodel',
      'stage',
      'deals',
      aliceContact.externalId,
    ]) {
      expect(seen).not.toContain(secret);
    }
    expect(mallory.results.map((r) => r.response)).toEqual([
      { ok: true, data: { found: true } },
      { ok: true, data: { saved: true } },
    ]);
  });

  it('keeps the HubSpot contact as it was and adds a note associated to it with the differing values', async () => {
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
    const email = `alice.${randomBytes(4).toString('hex')}@example.com`;
    await visitor(businessId, 'Alice Victim', `${email} or +1 415 555 0100`);
    const mallory = await visitor(businessId, 'Mallory Evil', `${email} or +1 415 555 0199`);

    const remote = [...hubspot.contacts.values()].filter((c) => c.properties.email === email);
    expect(remote).toHaveLength(1);
    expect(remote[0].properties).toMatchObject({ firstname: 'Alice', lastname: 'Victim', phone: '+14155550100' });
    const notes = [...hubspot.notes.values()].filter((n) => n.contactIds.includes(remote[0].id));
    expect(notes).toHaveLength(1);
    expect(notes[0].properties.hs_note_body).toContain('First name: Mallory');
    expect(notes[0].properties.hs_note_body).toContain('Last name: Evil');
    expect(notes[0].properties.hs_note_body).toContain('Phone: +14155550199');
    expect(notes[0].properties.hs_note_body).toContain(mallory.sessionId);
    // The local mirror keeps the contact's own values too.
    const mirrored = (await t.http.get(`/admin/business/${businessId}/crm/contacts`).set(t.admin)).body;
    expect(mirrored).toEqual([
      expect.objectContaining({
        externalId: remote[0].id,
        firstName: 'Alice',
        lastName: 'Victim',
        phone: '+14155550100',
      }),
    ]);
    const [, second] = await outboxPayloads(businessId);
    expect(second.differingValues).toEqual({ firstName: 'Mallory', lastName: 'Evil', phone: '+14155550199' });
    expect(JSON.stringify(mallory.results.map((r) => r.response))).not.toContain(remote[0].id);
  });
});
