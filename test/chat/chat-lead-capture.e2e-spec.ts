import { DataSource } from 'typeorm';

import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

const ASKS: Record<string, RegExp> = {
  firstName: /your name\?/i,
  email: /email address/i,
  phone: /phone number/i,
};

describe('POST /chat lead capture (offline provider)', () => {
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t);
  });
  afterAll(async () => t.close());

  const session = (id: string, sessionId: string) =>
    t.http.get(`/admin/business/${id}/sessions/${sessionId}`).set(t.admin);

  it('runs a scripted 10-turn conversation that never asks for a field once it is locked', async () => {
    const c = chatter(t.http, businessId);
    const script = [
      'hi',
      'What services do you offer?',
      'Jane Doe',
      'Do you work on weekends?',
      'jane.doe@example.com',
      'What areas do you cover?',
      '(415) 555-2671',
      'actually my email is jane@doe.dev',
      'How much is a boiler service?',
      'thanks for your help',
    ];
    const asked: string[] = [];
    for (const message of script) {
      const before = (await session(businessId, c.sessionId)).body as { locks?: Record<string, boolean> };
      const res = await c.send(message);
      expect(res.status).toBe(200);
      for (const [field, pattern] of Object.entries(ASKS)) {
        if (before.locks?.[field]) expect(res.body.response).not.toMatch(pattern);
        if (pattern.test(res.body.response)) asked.push(field);
      }
    }
    // The engine did ask for each field while it was missing.
    expect(new Set(asked)).toEqual(new Set(['firstName', 'email', 'phone']));

    const stored = (await session(businessId, c.sessionId)).body;
    expect(stored.captured).toEqual({
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane@doe.dev',
      phone: '+14155552671',
    });
    expect(stored.locks).toEqual({ firstName: true, lastName: true, email: true, phone: true });
    expect(stored.metadata).toMatchObject({ provider: 'offline', offline: true });
    // Name, email and phone known: the offline provider created the CRM contact once, through the CRM tools.
    expect(stored.crm.contactId).toEqual(expect.any(String));
    const toolMessages = stored.transcript.filter((m: { role: string }) => m.role === 'tool');
    expect(toolMessages).toEqual([
      expect.objectContaining({
        toolName: 'create_contact',
        payload: expect.objectContaining({
          args: expect.objectContaining({ email: 'jane.doe@example.com', phone: '+14155552671' }),
        }),
      }),
    ]);
    expect(stored.transcript.filter((m: { role: string }) => m.role === 'user')).toHaveLength(10);
    expect(stored.transcript.filter((m: { role: string }) => m.role === 'assistant')).toHaveLength(10);
  });

  it('records user_message, assistant_message and lead_captured analytics without message bodies', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('my name is Sam Lee and my email is sam@lee.io');
    const rows = (await t.app
      .get(DataSource)
      .query('SELECT type, payload FROM analytics_events WHERE business_id = $1 AND session_id = $2 ORDER BY id', [
        businessId,
        c.sessionId,
      ])) as { type: string; payload: Record<string, unknown> }[];
    expect(rows.map((r) => r.type)).toEqual([
      'user_message',
      'assistant_message',
      'user_message',
      'lead_captured',
      'assistant_message',
    ]);
    expect(rows[3].payload).toEqual({ fields: ['email', 'firstName', 'lastName'], corrected: [] });
    expect(JSON.stringify(rows)).not.toContain('sam@lee.io');
  });

  it('normalizes a phone number to E.164 with the tenant default country', async () => {
    const uk = await createTenant(t, { defaultCountry: 'GB' });
    const c = chatter(t.http, uk);
    await c.send('hi');
    await c.send('you can call me on 020 7946 0958');
    expect((await session(uk, c.sessionId)).body.captured.phone).toBe('+442079460958');
  });

  it('keeps a locked field unless the user corrects it', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('my email is first@example.com');
    await c.send('my colleague uses other@example.com');
    expect((await session(businessId, c.sessionId)).body.captured.email).toBe('first@example.com');
    await c.send('sorry, my email is actually second@example.com');
    expect((await session(businessId, c.sessionId)).body.captured.email).toBe('second@example.com');
  });

  it('echoes a captured value back in bold', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send("I'm Priya");
    await c.send('priya@example.com');
    const res = await c.send('+1 415 555 2671');
    expect(res.body.response).toContain('<b>Priya</b>');
  });
});
