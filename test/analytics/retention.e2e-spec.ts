import { DataSource } from 'typeorm';

import { RetentionService } from 'src/analytics/retention/retention.service';
import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** The purge's advisory lock (RetentionRepository): "rt" "pg". */
const LOCK_KEY = [0x7274, 0x7067];

describe('Retention purge', () => {
  let t: TestApp;
  let db: DataSource;
  let purger: RetentionService;
  let businessId: string;
  let oldSession: string;
  let recentSession: string;

  const count = async (sql: string, params: unknown[] = [businessId]) =>
    ((await db.query(sql, params)) as { n: number }[])[0].n;
  const rows = async () => ({
    conversations: await count('SELECT count(*)::int AS n FROM conversations WHERE business_id = $1'),
    messages: await count('SELECT count(*)::int AS n FROM messages WHERE business_id = $1'),
    events: await count('SELECT count(*)::int AS n FROM analytics_events WHERE business_id = $1'),
    oldSessionEvents: await count(
      'SELECT count(*)::int AS n FROM analytics_events WHERE business_id = $1 AND session_id = $2',
      [businessId, oldSession],
    ),
    oldSessionHandoffs: await count(
      'SELECT count(*)::int AS n FROM handoffs WHERE business_id = $1 AND session_id = $2',
      [businessId, oldSession],
    ),
    recentSessionEvents: await count(
      'SELECT count(*)::int AS n FROM analytics_events WHERE business_id = $1 AND session_id = $2',
      [businessId, recentSession],
    ),
  });

  beforeAll(async () => {
    t = await bootTestApp({
      ANALYTICS_RETENTION_DAYS: '30',
      TRANSCRIPT_RETENTION_DAYS: '90',
      // The loop stays off: the test runs the purge itself.
      RETENTION_PURGE_INTERVAL_MS: '0',
    });
    db = t.app.get(DataSource);
    purger = t.app.get(RetentionService);
    businessId = await createTenant(t);
    const old = chatter(t.http, businessId);
    await old.send('hi').expect(200);
    await old.send('what do you charge for a leaking tap?').expect(200);
    await old.send('I want to talk to a real person please').expect(200);
    oldSession = old.sessionId;
    const recent = chatter(t.http, businessId);
    await recent.send('hi').expect(200);
    await recent.send('do you work on weekends?').expect(200);
    recentSession = recent.sessionId;

    // The old conversation went quiet 100 days ago (past transcript retention), with its messages and events.
    await db.query(
      `UPDATE conversations SET started_at = now() - interval '101 days', last_message_at = now() - interval '100 days'
       WHERE business_id = $1 AND session_id = $2`,
      [businessId, oldSession],
    );
    await db.query(
      `UPDATE analytics_events SET created_at = now() - interval '100 days' WHERE business_id = $1 AND session_id = $2`,
      [businessId, oldSession],
    );
    // The recent conversation is kept, but its first event is 40 days old: past analytics retention only.
    await db.query(
      `UPDATE analytics_events SET created_at = now() - interval '40 days'
       WHERE id = (SELECT min(id) FROM analytics_events WHERE business_id = $1 AND session_id = $2)`,
      [businessId, recentSession],
    );
    // More than two batches of 5,000 expired events, and some that are 29 days old (kept).
    await db.query(
      `INSERT INTO analytics_events (business_id, session_id, channel, type, created_at)
       SELECT $1, 'bulk', 'chat', 'cta_clicked', now() - interval '45 days' FROM generate_series(1, 12000)`,
      [businessId],
    );
    await db.query(
      `INSERT INTO analytics_events (business_id, session_id, channel, type, created_at)
       SELECT $1, 'bulk', 'chat', 'cta_clicked', now() - interval '29 days' FROM generate_series(1, 7)`,
      [businessId],
    );
  });
  afterAll(() => t.close());

  it('purges expired transcripts with their messages and events, and expired events, in batches', async () => {
    const before = await rows();
    expect(before.conversations).toBe(2);
    expect(before.oldSessionEvents).toBeGreaterThan(0);
    expect(before.oldSessionHandoffs).toBe(1);

    const counts = await purger.purgeOnce();

    const after = await rows();
    expect(after.conversations).toBe(1);
    expect(
      await count('SELECT count(*)::int AS n FROM conversations WHERE business_id = $1 AND session_id = $2', [
        businessId,
        recentSession,
      ]),
    ).toBe(1);
    // Only the recent conversation's messages are left.
    expect(after.messages).toBe(
      await count(
        `SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.business_id = $1 AND c.session_id = $2`,
        [businessId, recentSession],
      ),
    );
    expect(after.messages).toBeGreaterThan(0);
    expect(after.oldSessionEvents).toBe(0);
    expect(after.oldSessionHandoffs).toBe(0);
    expect(after.recentSessionEvents).toBe(before.recentSessionEvents - 1);
    expect(after.events).toBe(after.recentSessionEvents + 7);
    // The database is shared with other suites: at least this tenant's rows were counted.
    expect(counts).not.toBeNull();
    expect(counts?.conversations).toBeGreaterThanOrEqual(1);
    expect(counts?.transcriptMessages).toBeGreaterThanOrEqual(before.messages - after.messages);
    expect(counts?.transcriptEvents).toBeGreaterThanOrEqual(before.oldSessionEvents);
    expect(counts?.transcriptHandoffs).toBeGreaterThanOrEqual(1);
    expect(counts?.analyticsEvents).toBeGreaterThanOrEqual(12_001);
  });

  it('leaves the rows alone on a second run', async () => {
    const before = await rows();
    await purger.purgeOnce();
    expect(await rows()).toEqual(before);
  });

  it('skips the run while another instance holds the purge lock', async () => {
    const holder = db.createQueryRunner();
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', LOCK_KEY);
      await db.query(
        `INSERT INTO analytics_events (business_id, session_id, channel, type, created_at)
         VALUES ($1, 'late', 'chat', 'cta_clicked', now() - interval '60 days')`,
        [businessId],
      );
      expect(await purger.purgeOnce()).toBeNull();
      expect(
        await count(`SELECT count(*)::int AS n FROM analytics_events WHERE business_id = $1 AND session_id = 'late'`),
      ).toBe(1);
      await holder.query('SELECT pg_advisory_unlock($1, $2)', LOCK_KEY);
      expect(await purger.purgeOnce()).toMatchObject({ analyticsEvents: expect.any(Number) as number });
      expect(
        await count(`SELECT count(*)::int AS n FROM analytics_events WHERE business_id = $1 AND session_id = 'late'`),
      ).toBe(0);
    } finally {
      // Never hand a connection holding the lock back to the pool, whatever failed above.
      await holder.query('SELECT pg_advisory_unlock_all()');
      await holder.release();
    }
  });
});
