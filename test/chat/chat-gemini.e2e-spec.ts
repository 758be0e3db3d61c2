import { PROVIDER_FALLBACK } from 'src/chat/chat-turn.runner';
import { chatter, createTenant, parseSse } from 'test/chat/chat.support';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('POST /chat with the Gemini provider (real SDK against the fake Gemini server)', () => {
  let fake: FakeGeminiServer;
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
    t = await bootTestApp({ GEMINI_API_KEY: 'test-gemini-key', GEMINI_BASE_URL: fake.baseUrl });
    businessId = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  async function greeted() {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    return c;
  }

  it('answers with the model reply, sending the system instruction separately from the user text', async () => {
    const c = await greeted();
    fake.enqueue(FakeGeminiServer.text('We fix leaks the same day.<br><br>May I have your name?'));
    const res = await c.send('Do you fix leaks?');
    expect(res.status).toBe(200);
    expect(res.body.response).toBe('We fix leaks the same day.<br><br>May I have your name?');
    expect(res.body.ctas.map((c: { id: string }) => c.id)).toEqual(['sales', 'support', 'book_appointment']);
    const sent = fake.generateRequests.at(-1)!.body;
    const system = sent.systemInstruction!.parts.map((p) => p.text).join('');
    expect(system).toContain('BUSINESS / TENANT SPECIFIC INSTRUCTIONS:');
    expect(system).not.toContain('Do you fix leaks?');
    expect(JSON.stringify(sent.contents)).toContain('Do you fix leaks?');
    const session = await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin);
    expect(session.body.metadata.provider).toBe('gemini');
    expect(session.body.metadata.offline).toBeUndefined();
  });

  it('streams Gemini deltas and ends with the same validated reply', async () => {
    const c = await greeted();
    const text =
      'Our technicians cover the whole metro area, including weekends and public holidays for emergencies. '.repeat(2);
    fake.enqueue({ type: 'reply', parts: [{ text }], chunks: text.match(/.{1,20}/g)! });
    const res = await t.http
      .post('/chat/stream')
      .send(c.body('Where do you work?'))
      .buffer(true)
      .parse((r, done) => {
        let body = '';
        r.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        r.on('end', () => done(null, body));
      });
    const events = parseSse(res.body as string);
    const final = events.at(-1)!;
    expect(final.event).toBe('done');
    expect(final.data.response).toBe(text.trim());
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.text as string);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(final.data.response);
  });

  it('executes a Gemini function call through the CRM tools and stores the contact id', async () => {
    const c = await greeted();
    await c.send('my name is Gina Gemini, email gina@example.com');
    fake.enqueue(
      FakeGeminiServer.functionCall('create_contact', { firstName: 'Gina', email: 'gina@example.com' }),
      FakeGeminiServer.text('Thanks <b>Gina</b>, the team will be in touch.'),
    );
    const res = await c.send('Please have someone contact me');
    expect(res.body.response).toBe('Thanks <b>Gina</b>, the team will be in touch.');
    const session = (await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin)).body;
    expect(session.crm.contactId).toEqual(expect.any(String));
    expect(
      session.transcript.some(
        (m: { role: string; toolName: string }) => m.role === 'tool' && m.toolName === 'create_contact',
      ),
    ).toBe(true);
    // The second model call saw the tool result as a functionResponse turn.
    expect(JSON.stringify(fake.generateRequests.at(-1)!.body.contents)).toContain('functionResponse');
  });

  it('answers politely with 200 and no internals when Gemini keeps failing', async () => {
    const c = await greeted();
    fake.enqueue(
      ...Array.from({ length: 5 }, () => ({ type: 'error' as const, status: 503, message: 'backend overloaded' })),
    );
    const res = await c.send('Are you open on Sunday?');
    expect(res.status).toBe(200);
    expect(res.body.response).toBe(PROVIDER_FALLBACK);
    expect(JSON.stringify(res.body)).not.toMatch(/503|overloaded|Gemini/);
  });

  it('answers a safety-blocked reply with a polite fallback', async () => {
    const c = await greeted();
    fake.enqueue({ type: 'blocked', finishReason: 'SAFETY' });
    const res = await c.send('Tell me something');
    expect(res.status).toBe(200);
    expect(res.body.response).toMatch(/^I'm sorry/);
  });
});
