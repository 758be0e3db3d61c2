import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('POST /chat guards and CTA navigation', () => {
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t);
  });
  afterAll(async () => t.close());

  it('greets a new session once, answering its first question in the same reply, then only answers', async () => {
    const c = chatter(t.http, businessId);
    const first = await c.send('Do you fix leaking taps?');
    expect(first.status).toBe(200);
    expect(first.body.session_id).toBe(c.sessionId);
    expect(first.body.response).toMatch(
      /^Hi, welcome to Acme Plumbing!\n\nAsk me anything or pick an option below\.\n\n\S/,
    );
    expect(first.body.ctas.map((x: { id: string }) => x.id)).toEqual(['sales', 'support', 'book_appointment']);

    const second = await c.send('Do you fix leaking taps?');
    expect(second.status).toBe(200);
    expect(second.body.response).not.toContain('welcome to Acme');
    expect(second.body.response).toContain('<br><br>');
  });

  it.each(['hi', 'HELLO', ' menu ', 'action:click-intro', 'What can you do'])(
    'answers the intro token "%s" with greeting, secondary greeting and entry CTAs',
    async (token) => {
      const c = chatter(t.http, businessId);
      await c.send('hello');
      await c.send('Do you work weekends?');
      const res = await c.send(token);
      expect(res.status).toBe(200);
      expect(res.body.response).toBe('Hi, welcome to Acme Plumbing!\n\nAsk me anything or pick an option below.');
      expect(res.body.ctas).toEqual([
        { id: 'sales', label: 'Sales Team', action: 'show_children', message: 'What interests you?' },
        { id: 'support', label: 'Support', action: 'send', message: 'I need support.' },
        { id: 'book_appointment', label: 'Book an Appointment', action: 'link', url: 'https://calendly.com/acme/demo' },
      ]);
    },
  );

  it('resets the conversation on an intro token but keeps the fields already captured', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('my email is keep@example.com');
    await c.send('reset');
    const session = await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin);
    expect(session.body.captured.email).toBe('keep@example.com');
    expect(session.body.conversation.turnCount).toBe(1);
  });

  it('answers a booking request with the tenant booking button and no model call', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const res = await c.send('Can I book an appointment for Tuesday?');
    expect(res.status).toBe(200);
    expect(res.body.ctas).toEqual([
      { id: 'book_appointment', label: 'Book an Appointment', action: 'link', url: 'https://calendly.com/acme/demo' },
    ]);
    expect(res.body.response).not.toContain('https://');
  });

  it('falls back to DEFAULT_APPOINTMENT_LINK when the tenant has no booking button', async () => {
    const bare = await createTenant(t, {
      ctaTree: { faq: { id: 'faq', label: 'FAQ', action: 'send', message: 'FAQ' } },
    });
    const c = chatter(t.http, bare);
    await c.send('hi');
    const res = await c.send('I want to schedule a call');
    expect(res.body.ctas).toEqual([expect.objectContaining({ action: 'link', url: 'https://calendly.com/' })]);
  });

  it('opens a show_children node with its message and children, without reaching the model', async () => {
    const c = chatter(t.http, businessId);
    const res = await c.click('sales');
    expect(res.status).toBe(200);
    expect(res.body.response).toBe('What interests you?');
    expect(res.body.ctas.map((x: { id: string }) => x.id)).toEqual(['pricing', 'book_appointment']);
  });

  it('says "Please select an option:" for a menu node without a message', async () => {
    const res = await chatter(t.http, businessId).click('main_menu');
    expect(res.body.response).toBe('Please select an option:');
  });

  it('treats a send node as the user typing its message', async () => {
    const c = chatter(t.http, businessId);
    const res = await c.click('pricing');
    expect(res.status).toBe(200);
    const session = await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin);
    const userMessages = session.body.transcript.filter((m: { role: string }) => m.role === 'user');
    expect(userMessages.map((m: { content: string }) => m.content)).toEqual(['How much does it cost?']);
    // A click means the greeting was already on screen: the message went to the model, not the greeting guard.
    expect(res.body.response).not.toContain('welcome to Acme');
  });

  it('rejects an unknown cta_id with 400 naming it, and writes nothing', async () => {
    const c = chatter(t.http, businessId);
    const res = await c.click('no_such_button');
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('cta_id "no_such_button"');
    const session = await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin);
    expect(session.status).toBe(404);
  });
});
