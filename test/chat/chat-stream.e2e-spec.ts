import { chatter, createTenant, newSessionId, parseSse } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('POST /chat/stream', () => {
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t);
  });
  afterAll(async () => t.close());

  const stream = (body: Record<string, unknown>) =>
    t.http
      .post('/chat/stream')
      .send(body)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });

  it('streams deltas, then ctas, then done with exactly the reply /chat gives for the same conversation', async () => {
    const script = [
      'hi',
      'Do you repair water heaters? I need one fixed soon, it keeps leaking every morning.',
      'Jane Doe',
    ];
    const plain = chatter(t.http, businessId);
    const streamedSession = newSessionId();
    let streamedToken: string | undefined;
    for (const message of script) {
      const expected = await plain.send(message);
      const token = streamedToken ? { session_token: streamedToken } : {};
      const res = await stream({ business_id: businessId, session_id: streamedSession, message, ...token });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = parseSse(res.body as string);
      const names = events.map((e) => e.event);
      expect(names.at(-1)).toBe('done');
      const done = events.at(-1)!.data;
      expect(done).toEqual({ ...expected.body, session_id: streamedSession, session_token: expect.any(String) });
      streamedToken = done.session_token as string;
      const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.text as string);
      expect(deltas.join('')).toBe(expected.body.response);
      if (expected.body.ctas) {
        expect(events.find((e) => e.event === 'ctas')?.data).toEqual({ ctas: expected.body.ctas });
        expect(names.indexOf('ctas')).toBeGreaterThan(names.lastIndexOf('delta'));
      }
    }
  });

  it('persists a streamed turn like a /chat turn', async () => {
    const sessionId = newSessionId();
    await stream({ business_id: businessId, session_id: sessionId, message: 'hi' });
    const stored = await t.http.get(`/admin/business/${businessId}/sessions/${sessionId}`).set(t.admin);
    expect(stored.status).toBe(200);
    expect(stored.body.transcript.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  });

  it('answers a bad request with a JSON 400 before any event', async () => {
    const res = await t.http.post('/chat/stream').send({ business_id: businessId, session_id: 'short', message: 'hi' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.message).toContain('session_id');
  });

  it('answers an unknown business with a JSON 404 before any event', async () => {
    const res = await t.http
      .post('/chat/stream')
      .send({ business_id: 'no-such-business-x', session_id: newSessionId(), message: 'hi' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('TENANT.NOT_FOUND');
  });
});
