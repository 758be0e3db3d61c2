import { DataSource } from 'typeorm';

import { newSessionState } from 'src/conversation/session-state';
import { SessionStore } from 'src/session/session-store.port';
import { TranscriptService } from 'src/session/transcript.service';
import { createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('TranscriptService (as the voice bridge uses it)', () => {
  let t: TestApp;
  let transcripts: TranscriptService;

  beforeAll(async () => {
    t = await bootTestApp();
    transcripts = t.app.get(TranscriptService);
  });
  afterAll(async () => t.close());

  it('persists a voice call keyed by its CallSid, visible through the admin session endpoint', async () => {
    const businessId = await createTenant(t);
    const callSid = 'CA0123456789abcdef0123456789abcdef';
    await transcripts.recordTurn({
      businessId,
      sessionId: callSid,
      channel: 'voice',
      messages: [
        { role: 'user', content: 'Do you work on Sundays?' },
        { role: 'assistant', content: 'We do emergency call-outs on Sundays.' },
      ],
      events: [{ type: 'user_message', payload: { chars: 23 } }, { type: 'assistant_message' }],
    });
    await t.app
      .get(SessionStore)
      .save({ ...newSessionState(businessId, callSid, 'voice'), captured: { phone: '+14155552671' } });
    const res = await t.http.get(`/admin/business/${businessId}/sessions/${callSid}`).set(t.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'voice', captured: { phone: '+14155552671' } });
    expect(res.body.transcript.map((m: { content: string }) => m.content)).toEqual([
      'Do you work on Sundays?',
      'We do emergency call-outs on Sundays.',
    ]);
    expect(await transcripts.countEvents(businessId, callSid, 'user_message')).toBe(1);
  });

  it('appends later turns to the same conversation and counts its messages', async () => {
    const businessId = await createTenant(t);
    for (const n of [1, 2]) {
      await transcripts.recordTurn({
        businessId,
        sessionId: 'session-abc',
        channel: 'chat',
        messages: [{ role: 'user', content: `m${n}` }],
        events: [],
      });
    }
    const rows = (await t.app
      .get(DataSource)
      .query('SELECT message_count FROM conversations WHERE business_id = $1', [businessId])) as {
      message_count: number;
    }[];
    expect(rows).toEqual([{ message_count: 2 }]);
    expect((await transcripts.get(businessId, 'session-abc'))!.messages.map((m) => m.content)).toEqual(['m1', 'm2']);
  });

  it('stores concurrent turns of many sessions in order, and a turn that cannot be stored fails alone', async () => {
    const businessId = await createTenant(t);
    const sessions = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const turn = (tenant: string, sessionId: string, n: number) =>
      transcripts.recordTurn({
        businessId: tenant,
        sessionId,
        channel: 'chat',
        messages: [
          { role: 'user', content: `${sessionId} q${n}` },
          { role: 'assistant', content: `${sessionId} a${n}` },
        ],
        events: [{ type: 'user_message' }],
      });
    const results = await Promise.allSettled([
      ...sessions.map((s) => turn(businessId, s, 1)),
      turn('no-such-tenant', 'orphan-session', 1),
      ...sessions.map((s) => turn(businessId, s, 2)),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[sessions.length].status).toBe('rejected');
    for (const s of sessions) {
      expect((await transcripts.get(businessId, s))!.messages.map((m) => m.content)).toEqual([
        `${s} q1`,
        `${s} a1`,
        `${s} q2`,
        `${s} a2`,
      ]);
      expect(await transcripts.countEvents(businessId, s, 'user_message')).toBe(2);
    }
  });

  it('removes conversations, messages and events with the tenant', async () => {
    const businessId = await createTenant(t);
    await transcripts.recordTurn({
      businessId,
      sessionId: 'session-xyz',
      channel: 'chat',
      messages: [{ role: 'user', content: 'bye' }],
      events: [{ type: 'user_message' }],
    });
    await t.http.delete(`/admin/business/${businessId}`).set(t.admin).expect(200);
    const rows = (await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM conversations WHERE business_id = $1)::int AS c,
              (SELECT count(*) FROM messages WHERE business_id = $1)::int AS m,
              (SELECT count(*) FROM analytics_events WHERE business_id = $1)::int AS e`,
      [businessId],
    )) as { c: number; m: number; e: number }[];
    expect(rows[0]).toEqual({ c: 0, m: 0, e: 0 });
  });

  it("keeps the transcript search index's pending list small, so no turn's write merges megabytes of it", async () => {
    // The insert that overflows a GIN pending list merges it before committing, and every turn in that batch waits.
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT reloptions FROM pg_class WHERE relname = 'messages_content_fts_idx'`)) as {
      reloptions: string[] | null;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].reloptions).toEqual(['gin_pending_list_limit=256']);
  });
});
