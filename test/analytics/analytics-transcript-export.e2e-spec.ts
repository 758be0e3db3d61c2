import { DataSource } from 'typeorm';

import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface Entry {
  role: string;
  intent: { name: string } | null;
  sentiment: { label: string } | null;
  latencyMs: number | null;
  sources: unknown[];
  rulesFired: unknown[];
}

describe('Analytics: transcript and streamed export', () => {
  let t: TestApp;
  let businessId: string;
  let db: DataSource;
  const base = (id: string) => `/admin/business/${id}`;

  beforeAll(async () => {
    t = await bootTestApp();
    db = t.app.get(DataSource);
    businessId = await createTenant(t);
  });
  afterAll(() => t.close());

  it('returns the transcript with intent and sentiment per user message and latency per reply', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    await c.send('I want to talk to a real person please');
    const res = await t.http
      .get(`${base(businessId)}/sessions/${c.sessionId}/transcript`)
      .set(t.admin)
      .expect(200);
    const messages = res.body.messages as Entry[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(messages[2].intent?.name).toBe('human_handoff');
    expect(messages[2].sentiment?.label).toEqual(expect.any(String));
    for (const reply of messages.filter((m) => m.role === 'assistant')) {
      expect(reply.latencyMs).toEqual(expect.any(Number));
      expect(reply.rulesFired).toEqual([]);
    }
    expect(messages[0].latencyMs).toBeNull();
  });

  it("404s an unknown session and another tenant's session", async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const other = await createTenant(t);
    await t.http
      .get(`${base(other)}/sessions/${c.sessionId}/transcript`)
      .set(t.admin)
      .expect(404);
    await t.http
      .get(`${base(businessId)}/sessions/nope/transcript`)
      .set(t.admin)
      .expect(404);
  });

  it('streams 30,000 events as NDJSON and CSV, every row once, in order, only this tenant', async () => {
    const tenant = await createTenant(t);
    const noise = await createTenant(t);
    const insert = `INSERT INTO analytics_events (business_id, session_id, channel, type, payload, created_at)
      SELECT $1, 's' || (g / 4), 'chat', 'user_message', jsonb_build_object('chars', g), now() - g * interval '1 second'
      FROM generate_series(1, $2) g`;
    await db.query(insert, [tenant, 30_000]);
    await db.query(insert, [noise, 100]);

    const nd = await t.http
      .get(`${base(tenant)}/export`)
      .query({ kind: 'events', format: 'ndjson' })
      .set(t.admin)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    expect(nd.headers['content-type']).toContain('application/x-ndjson');
    // No content-length: the body was streamed, not built first.
    expect(nd.headers['content-length']).toBeUndefined();
    const lines = (nd.body as string).trim().split('\n');
    expect(lines).toHaveLength(30_000);
    const rows = lines.map((l) => JSON.parse(l) as { payload: { chars: number }; session_id: string });
    expect(rows[0].payload.chars).toBe(30_000);
    expect(rows[29_999].payload.chars).toBe(1);
    expect(new Set(rows.map((r) => r.payload.chars)).size).toBe(30_000);

    const csv = await t.http
      .get(`${base(tenant)}/export`)
      .query({ kind: 'events', format: 'csv' })
      .set(t.admin)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    const csvLines = (csv.body as string).trim().split('\n');
    expect(csvLines[0]).toBe('id,session_id,channel,type,created_at,payload');
    expect(csvLines).toHaveLength(30_001);
    expect(csvLines[1]).toContain('"{""chars"":30000}"');
  });

  it('exports sessions and refuses an unknown format or kind with coded 400s', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi');
    const res = await t.http
      .get(`${base(businessId)}/export`)
      .query({ format: 'csv' })
      .set(t.admin)
      .expect(200);
    expect(res.text.split('\n')[0]).toBe('session_id,channel,started_at,last_message_at,message_count,tags');
    expect(res.text).toContain(c.sessionId);
    for (const query of [{ format: 'xml' }, { kind: 'messages' }, { from: 'soon' }])
      expect(
        (
          await t.http
            .get(`${base(businessId)}/export`)
            .query(query)
            .set(t.admin)
            .expect(400)
        ).body.code,
      ).toMatch(/^ANALYTICS\./);
  });
});

describe('Analytics: tenant delete', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('removes the conversations, messages and analytics events of the tenant, and only of it', async () => {
    const db = t.app.get(DataSource);
    const doomed = await createTenant(t);
    const kept = await createTenant(t);
    for (const id of [doomed, kept]) {
      const c = chatter(t.http, id);
      await c.send('hi');
      await c.send('my email is sam@lee.io');
    }
    const counts = async (id: string) =>
      (
        (await db.query(
          `SELECT (SELECT count(*) FROM conversations WHERE business_id = $1)::int AS conversations,
                  (SELECT count(*) FROM messages WHERE business_id = $1)::int AS messages,
                  (SELECT count(*) FROM analytics_events WHERE business_id = $1)::int AS events`,
          [id],
        )) as { conversations: number; messages: number; events: number }[]
      )[0];
    expect(await counts(doomed)).toEqual({ conversations: 1, messages: 4, events: 5 });
    await t.http.delete(`/admin/business/${doomed}`).set(t.admin).expect(200);
    expect(await counts(doomed)).toEqual({ conversations: 0, messages: 0, events: 0 });
    expect(await counts(kept)).toEqual({ conversations: 1, messages: 4, events: 5 });
  });
});
