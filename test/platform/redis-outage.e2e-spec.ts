import { Client } from 'pg';

import { createTenant } from 'test/chat/chat.support';
import { ChatLoad, expectOnlyUnavailable, okCount, summary, unavailableCount } from 'test/platform/outage.support';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { kbPath, waitForJob } from 'test/rag/knowledge-test-helpers';
import { PrivateRedis } from 'test/support/private-services';
import { suiteDatabaseUrl } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';

/**
 * Redis dies under chat load (SIGKILL) and comes back empty on the same port: /chat answers coded 503s with
 * Retry-After while it is down, never a 500; readiness names Redis; the same app instance recovers by itself; a
 * knowledge job accepted while Redis was down is delivered by the periodic sweep.
 */
describe('Redis outage', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await bootTestApp({ REDIS_URL: redis.url, KB_JOB_SWEEP_MS: '300' });
    db = new Client({ connectionString: suiteDatabaseUrl() });
    await db.connect();
  });
  afterAll(async () => {
    // Closing the app waits on its Redis clients (BullMQ's in particular), so Redis is up again first.
    if (redis && !redis.running) await redis.restart();
    await t?.close();
    await db?.end();
    await redis?.kill();
  });

  it('answers 503 with Retry-After while Redis is down and recovers without a restart, losing no answered turn', async () => {
    const businessId = await createTenant(t);
    const load = new ChatLoad(t.http, businessId, (id) => `Do you fix leaking taps? (turn ${id})`);
    load.start(4);
    try {
      await load.waitFor('turns answered before the outage', (o) => okCount(o) >= 8);

      load.phase = 'redis down';
      await redis.kill();
      await load.waitFor('503s during the outage', (o) => unavailableCount(o) >= 6);
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error' });
      expect(ready.body.error).toMatchObject({ redis: { status: 'down', mode: 'redis' } });
      expect(ready.body.details).toMatchObject({ database: { status: 'up' } });
      const accepted = await t.http
        .post(kbPath(businessId, '/documents'))
        .set(t.admin)
        .send({ documents: plumbingDocumentsFactory.build() });
      expect(accepted.status).toBe(202);

      load.phase = 'redis back';
      const restartedAt = load.outcomes.length;
      await redis.restart();
      await load.waitFor('turns answered after the restart', (o) => okCount(o.slice(restartedAt)) >= 8);
      await t.http.get('/health/ready').expect(200);
      const job = await waitForJob(t, businessId, (accepted.body as { jobId: string }).jobId, 20_000);
      expect(job.status).toBe('completed');
    } finally {
      await load.stop();
    }

    expectOnlyUnavailable(load.outcomes, 'INFRA.REDIS_UNAVAILABLE');
    const answered = load.outcomes.filter((o) => o.status === 200);
    const { rows } = await db.query<{ session_id: string }>(
      `SELECT DISTINCT c.session_id FROM conversations c JOIN messages m ON m.conversation_id = c.id
        WHERE c.business_id = $1 AND m.role = 'user'`,
      [businessId],
    );
    const stored = new Set(rows.map((r) => r.session_id));
    expect(answered.filter((o) => !stored.has(o.sessionId))).toEqual([]);
    expect(summary(load.outcomes)).not.toContain('500');
  });
});
