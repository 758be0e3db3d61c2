import { SessionTokens } from 'src/session/session-tokens';
import { chatter, createTenant, newSessionId } from 'test/chat/chat.support';
import { ctaTreeFactory } from 'test/factories/business.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('GET /chat/history', () => {
  let t: TestApp;
  let businessId: string;
  let otherBusinessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t, { ctaTree: ctaTreeFactory.build(), allowedOrigins: ['https://shop.example'] });
    otherBusinessId = await createTenant(t);
  });
  afterAll(() => t.close());

  const history = (query: Record<string, string>, token?: string) => {
    const req = t.http.get('/chat/history').query(query);
    return token === undefined ? req : req.set('X-Session-Token', token);
  };

  it("returns the visitor's own conversation, oldest first, without the widget's silent greeting request or tool calls", async () => {
    const visitor = chatter(t.http, businessId);
    await visitor.send('action:click-intro').expect(200);
    await visitor.click('sales').expect(200);
    await visitor.send('Do you fix water heaters?').expect(200);

    const res = await history({ business_id: businessId, session_id: visitor.sessionId }, visitor.token).expect(200);

    expect(res.body.success).toBe(true);
    expect(res.body.session_id).toBe(visitor.sessionId);
    const messages = res.body.messages as { role: string; content: string; ctas?: { id: string }[] }[];
    expect(messages.map((m) => m.role)).toEqual(['assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(messages[0].content).toContain('Hi, welcome to Acme Plumbing!');
    expect(messages[1].content).toBe('Sales Team');
    // The buttons shown under a reply come back with it, so a reload can offer them again.
    expect(messages[2].ctas?.map((c) => c.id)).toEqual(['pricing', 'book_appointment']);
    expect(messages[3].content).toBe('Do you fix water heaters?');
    expect(messages.some((m) => m.content === 'action:click-intro')).toBe(false);
  });

  it('answers an empty list for a session that has said nothing yet', async () => {
    const fresh = newSessionId();
    const token = t.app.get(SessionTokens).issue(businessId, fresh);
    const res = await history({ business_id: businessId, session_id: fresh }, token).expect(200);
    expect(res.body.messages).toEqual([]);
  });

  it('refuses a request without the session token with 403 session.token_required', async () => {
    const visitor = chatter(t.http, businessId);
    await visitor.send('my email is alice@example.com').expect(200);
    const res = await history({ business_id: businessId, session_id: visitor.sessionId }).expect(403);
    expect(res.body.code).toBe('session.token_required');
    expect(JSON.stringify(res.body)).not.toContain('alice@example.com');
  });

  it("refuses another session's token, and the same session's token presented for another business, with 403 session.token_invalid", async () => {
    const alice = chatter(t.http, businessId);
    await alice.send('my email is alice@example.com').expect(200);
    const mallory = chatter(t.http, businessId);
    await mallory.send('hello').expect(200);

    const stolen = await history({ business_id: businessId, session_id: alice.sessionId }, mallory.token).expect(403);
    expect(stolen.body.code).toBe('session.token_invalid');
    const crossTenant = await history({ business_id: otherBusinessId, session_id: alice.sessionId }, alice.token);
    expect(crossTenant.status).toBe(403);
    expect(crossTenant.body.code).toBe('session.token_invalid');
  });

  it('answers 400 for a missing or malformed id and 404 for an unknown business', async () => {
    const missing = await history({ business_id: businessId }, 'v1.x').expect(400);
    expect(missing.body.message).toMatch(/session_id/);
    await history({ business_id: 'Not A Business!', session_id: newSessionId() }, 'v1.x').expect(400);
    const unknown = await history({ business_id: 'no-such-business-123', session_id: newSessionId() }, 'v1.x');
    expect(unknown.status).toBe(404);
  });

  it('refuses a browser page the business does not allow, and answers CORS for one it does', async () => {
    const visitor = chatter(t.http, businessId);
    await visitor.send('hello').expect(200);
    const query = { business_id: businessId, session_id: visitor.sessionId };
    const refused = await history(query, visitor.token).set('Origin', 'https://elsewhere.example').expect(403);
    expect(refused.body.code).toBe('TENANT.ORIGIN_NOT_ALLOWED');
    const allowed = await history(query, visitor.token).set('Origin', 'https://shop.example').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    const preflight = await t.http
      .options('/chat/history')
      .set('Origin', 'https://shop.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'x-session-token');
    expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('x-session-token');
  });
});
