import { chatter, createTenant } from 'test/chat/chat.support';
import { eventually } from 'test/crm/crm-test-helpers';
import { uniqueBusinessId } from 'test/factories/business.factory';
import { ingestDocuments } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface Cluster {
  key: string;
  example: string;
  count: number;
  questions: { text: string; count: number }[];
  sessionCount: number;
  sessionIds: string[];
  firstSeen: string;
  lastSeen: string;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedKbVersion: string | null;
}

const WEEKEND_DOCUMENT = {
  url: 'https://acme.example.com/weekends',
  title: 'Weekend work',
  category: 'Contact',
  text: 'Yes, we work on weekends: Saturday and Sunday appointments are open from 9am to 5pm.',
};

describe('Analytics: unanswered questions', () => {
  let t: TestApp;
  let businessId: string;
  const unanswered = (id: string) => `/admin/business/${id}/analytics/unanswered`;
  const recheck = (id: string) => `/admin/business/${id}/analytics/unanswered/recheck`;
  const list = async (query: Record<string, string> = {}) =>
    (await t.http.get(unanswered(businessId)).query(query).set(t.admin).expect(200)).body as {
      clusters: Cluster[];
      questionsConsidered: number;
      truncated: boolean;
      totalClusters: number;
      similarityThreshold: number;
    };
  const sessions: Record<string, string> = {};

  beforeAll(async () => {
    t = await bootTestApp();
    // No knowledge base yet: every question below gets a low-confidence reply.
    businessId = await createTenant(t);
    for (const [name, question] of [
      ['weekend1', 'Do you work on weekends?'],
      ['weekend2', 'do you work on weekends'],
      ['weekend3', 'Are you open at the weekend?'],
      ['refund1', 'Can I get a refund?'],
      ['refund2', 'What is your refund policy?'],
    ]) {
      const visitor = chatter(t.http, businessId);
      await visitor.send(question).expect(200);
      sessions[name] = visitor.sessionId;
    }
    // A greeting is not a question for the knowledge base.
    await chatter(t.http, businessId).send('hello').expect(200);
  });
  afterAll(() => t.close());

  it('clusters the unanswered questions by similarity with counts, an example, sessions and first/last seen', async () => {
    const report = await list();
    expect(report).toMatchObject({
      questionsConsidered: 5,
      truncated: false,
      totalClusters: 2,
      similarityThreshold: 0.4,
    });
    const [weekends, refunds] = report.clusters;
    expect(weekends).toMatchObject({
      example: 'do you work on weekends',
      count: 3,
      sessionCount: 3,
      resolved: false,
      resolvedAt: null,
    });
    expect(weekends.questions).toEqual([
      { text: 'do you work on weekends', count: 2 },
      { text: 'Are you open at the weekend?', count: 1 },
    ]);
    expect(weekends.sessionIds).toEqual([sessions.weekend3, sessions.weekend2, sessions.weekend1]);
    expect(Date.parse(weekends.firstSeen)).toBeLessThan(Date.parse(weekends.lastSeen));
    expect(refunds).toMatchObject({ count: 2, sessionCount: 2, resolved: false });
    expect(refunds.sessionIds.sort()).toEqual([sessions.refund1, sessions.refund2].sort());
  });

  it('links each session to its transcript', async () => {
    const [weekends] = (await list()).clusters;
    const transcript = await t.http
      .get(`/admin/business/${businessId}/sessions/${weekends.sessionIds[0]}/transcript`)
      .set(t.admin)
      .expect(200);
    expect(transcript.body.messages[0].content).toBe('Are you open at the weekend?');
  });

  it('resolves, after a knowledge-base change and without being asked, the clusters whose questions now retrieve passages', async () => {
    const before = await t.http.post(recheck(businessId)).set(t.admin).expect(200);
    // Nothing to search in yet: no cluster can be answered.
    expect(before.body).toMatchObject({ kbVersion: null, checked: 0, resolved: 0 });

    expect((await ingestDocuments(t, businessId, [WEEKEND_DOCUMENT])).status).toBe('completed');
    // The new version's notice starts a recheck on the worker (this app runs every role).
    const resolved = await eventually(async () => {
      const found = (await list({ status: 'resolved' })).clusters;
      return found.length ? found : undefined;
    });
    expect(resolved.map((c) => c.example)).toEqual(['do you work on weekends']);
    // Asked again by hand, the recheck finds only the refund cluster left to try, and it still has no answer.
    const after = await t.http.post(recheck(businessId)).set(t.admin).expect(200);
    expect(after.body).toMatchObject({ checked: 1, resolved: 0, stillOpen: 1, askedSinceKbChange: 0, skipped: 0 });
    expect(typeof after.body.kbVersion).toBe('string');
    expect(resolved[0]).toMatchObject({ resolved: true, resolvedKbVersion: after.body.kbVersion });
    expect(Date.parse(resolved[0].resolvedAt ?? '')).toBeGreaterThan(Date.parse(resolved[0].lastSeen));
    const open = (await list({ status: 'open' })).clusters;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ count: 2, resolved: false });
    expect((await list()).clusters.map((c) => c.resolved)).toEqual([true, false]);
  });

  it('keeps open a cluster asked (and unanswered) again after the knowledge base last changed', async () => {
    await chatter(t.http, businessId).send('can I get a refund').expect(200);
    const again = await t.http.post(recheck(businessId)).set(t.admin).expect(200);
    expect(again.body).toMatchObject({ checked: 0, resolved: 0, askedSinceKbChange: 1 });
    const open = (await list({ status: 'open' })).clusters;
    expect(open[0]).toMatchObject({ count: 3, resolved: false });
  });

  it("shows nothing of another tenant's questions", async () => {
    const other = await createTenant(t);
    const res = await t.http.get(unanswered(other)).set(t.admin).expect(200);
    expect(res.body).toMatchObject({ questionsConsidered: 0, clusters: [] });
  });

  it('answers coded 400s for a bad status, limit or range, and 404 for an unknown business', async () => {
    for (const query of [{ status: 'closed' }, { limit: '0' }, { from: 'yesterday' }]) {
      const res = await t.http.get(unanswered(businessId)).query(query).set(t.admin).expect(400);
      expect(res.body.code).toMatch(/^ANALYTICS\.INVALID_(PARAM|RANGE)$/);
    }
    const missing = await t.http
      .get(unanswered(uniqueBusinessId('ghost')))
      .set(t.admin)
      .expect(404);
    expect(missing.body.code).toBe('TENANT.NOT_FOUND');
    await t.http
      .post(recheck(uniqueBusinessId('ghost')))
      .set(t.admin)
      .expect(404);
  });

  it('is admin only', async () => {
    await t.http.get(unanswered(businessId)).expect(401);
    await t.http.post(recheck(businessId)).expect(401);
  });
});
