import { DataSource } from 'typeorm';

import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface SessionSummary {
  sessionId: string;
  turns: number;
  capturedFields: string[];
  leadCaptured: boolean;
  handedOff: boolean;
  firstMessage: string | null;
  tags: string[];
}

describe('Analytics: sessions list and dashboard', () => {
  let t: TestApp;
  let businessId: string;
  let db: DataSource;
  const sessions = (id: string) => `/admin/business/${id}/sessions`;
  const analytics = (id: string) => `/admin/business/${id}/analytics`;

  // Three sessions: one engaged with a lead, one hand-off request, one greeting only.
  let lead: ReturnType<typeof chatter>;
  let handoff: ReturnType<typeof chatter>;
  let hello: ReturnType<typeof chatter>;

  beforeAll(async () => {
    t = await bootTestApp();
    db = t.app.get(DataSource);
    businessId = await createTenant(t);
    lead = chatter(t.http, businessId);
    await lead.send('hi');
    await lead.send('what do your plumbers charge for a leaking tap?');
    await lead.send('my name is Sam Lee and my email is sam@lee.io');
    handoff = chatter(t.http, businessId);
    await handoff.send('hello');
    await handoff.send('I want to talk to a real person please');
    hello = chatter(t.http, businessId);
    await hello.send('hi');
  });
  afterAll(() => t.close());

  it('lists sessions newest first with turns, field names (never values), lead status and first message', async () => {
    const res = await t.http.get(sessions(businessId)).set(t.admin).expect(200);
    const list = res.body.sessions as SessionSummary[];
    expect(list.map((s) => s.sessionId)).toEqual([hello.sessionId, handoff.sessionId, lead.sessionId]);
    const withLead = list[2];
    expect(withLead).toMatchObject({
      turns: 3,
      capturedFields: ['email', 'firstName', 'lastName'],
      leadCaptured: true,
      handedOff: false,
      firstMessage: 'hi',
      tags: [],
    });
    expect(list[1].handedOff).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('sam@lee.io');
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages with the opaque cursor without repeating or skipping a session', async () => {
    const first = await t.http.get(sessions(businessId)).query({ limit: 2 }).set(t.admin).expect(200);
    expect(first.body.sessions).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await t.http
      .get(sessions(businessId))
      .query({ limit: 2, cursor: first.body.nextCursor })
      .set(t.admin)
      .expect(200);
    expect(second.body.sessions.map((s: SessionSummary) => s.sessionId)).toEqual([lead.sessionId]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by lead, hand-off, intent, channel and transcript words', async () => {
    const ids = async (query: Record<string, string>) =>
      ((await t.http.get(sessions(businessId)).query(query).set(t.admin).expect(200)).body.sessions as SessionSummary[])
        .map((s) => s.sessionId)
        .sort();
    expect(await ids({ hasLead: 'true' })).toEqual([lead.sessionId]);
    expect(await ids({ hasLead: 'false' })).toEqual([handoff.sessionId, hello.sessionId].sort());
    expect(await ids({ handedOff: 'true' })).toEqual([handoff.sessionId]);
    expect(await ids({ intent: 'human_handoff' })).toEqual([handoff.sessionId]);
    expect(await ids({ q: 'leaking tap' })).toEqual([lead.sessionId]);
    expect(await ids({ q: 'nothing-like-this-was-said' })).toEqual([]);
    expect(await ids({ channel: 'voice' })).toEqual([]);
  });

  it('filters by tag once the session carries it', async () => {
    await db.query(`UPDATE conversations SET tags = '{vip}' WHERE business_id = $1 AND session_id = $2`, [
      businessId,
      lead.sessionId,
    ]);
    const res = await t.http.get(sessions(businessId)).query({ tag: 'vip' }).set(t.admin).expect(200);
    expect(res.body.sessions.map((s: SessionSummary) => s.sessionId)).toEqual([lead.sessionId]);
  });

  it('answers the dashboard: totals, a series, distributions, the funnel and latency', async () => {
    const res = await t.http.get(analytics(businessId)).query({ tz: 'Europe/Oslo' }).set(t.admin).expect(200);
    const body = res.body;
    // 30 days ending now, not at midnight: the first and last buckets are partial days.
    expect(body.series).toHaveLength(31);
    expect(body.totals).toMatchObject({ sessions: 3, engaged: 2, leads: 1, handoffs: 1, messages: 12 });
    expect(body.funnel).toEqual({ sessions: 3, engaged: 2, lead: 1, crmSynced: 0 });
    expect(body.intents).toEqual(expect.arrayContaining([{ key: 'human_handoff', count: 1 }]));
    expect(body.sentiments.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(6);
    expect(body.latency.p50Ms).toEqual(expect.any(Number));
    expect(body.latency.p95Ms).toBeGreaterThanOrEqual(body.latency.p50Ms);
    // Buckets are local midnights in the asked zone.
    const oslo = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', hour: '2-digit', minute: '2-digit' });
    for (const b of body.series as { bucket: string }[]) expect(oslo.format(new Date(b.bucket))).toBe('00:00');
  });

  it('counts a session once, in the bucket of its first event, by hour', async () => {
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const from = new Date(Date.now() - 5 * 3_600_000).toISOString();
    const res = await t.http.get(analytics(businessId)).query({ from, to, interval: 'hour' }).set(t.admin).expect(200);
    expect(res.body.series).toHaveLength(7);
    expect(res.body.totals.sessions).toBe(3);
  });

  it('refuses bad parameters with coded 400s', async () => {
    const code = async (url: string, query: Record<string, string>) =>
      (await t.http.get(url).query(query).set(t.admin).expect(400)).body.code as string;
    expect(await code(analytics(businessId), { from: 'last week' })).toBe('ANALYTICS.INVALID_RANGE');
    expect(await code(analytics(businessId), { tz: 'Mars/Base' })).toBe('ANALYTICS.UNKNOWN_TIMEZONE');
    expect(await code(analytics(businessId), { from: '2026-01-01', to: '2026-03-01', interval: 'hour' })).toBe(
      'ANALYTICS.RANGE_TOO_LONG',
    );
    expect(await code(sessions(businessId), { cursor: 'garbage' })).toBe('ANALYTICS.INVALID_CURSOR');
    expect(await code(sessions(businessId), { limit: '1000' })).toBe('ANALYTICS.INVALID_PARAM');
  });

  it('keeps tenants apart and 404s an unknown business', async () => {
    const other = await createTenant(t);
    expect((await t.http.get(sessions(other)).set(t.admin).expect(200)).body.sessions).toEqual([]);
    expect((await t.http.get(analytics(other)).set(t.admin).expect(200)).body.totals.sessions).toBe(0);
    await t.http.get(sessions('no-such-business')).set(t.admin).expect(404);
  });

  it('requires the admin key', async () => {
    await t.http.get(sessions(businessId)).expect(401);
  });
});
