import Redis from 'ioredis';
import { Client } from 'pg';

import { knowledgeQueueName } from 'src/rag/jobs/bullmq.knowledge-job-queue';
import { AppProcess, startAppProcess } from 'test/scale/app-process';
import { clusterSecrets, stopApp } from 'test/support/app-cluster';
import { TEST_ADMIN_KEY } from 'test/support/services';

const ADMIN = { 'X-Admin-API-Key': TEST_ADMIN_KEY };
const DOCUMENTS = 3000;
const WORDS = ['boiler', 'radiator', 'drain', 'valve', 'heater', 'pipe', 'tap', 'pump', 'filter', 'tank', 'meter'];

/** Distinct pages, several chunks' worth each: enough work that the worker is still busy when it is killed. */
function documents(): object[] {
  return Array.from({ length: DOCUMENTS }, (_, i) => ({
    url: `https://acme.example.com/guides/${i}`,
    title: `Guide ${i}`,
    text: Array.from(
      { length: 12 },
      (_, p) =>
        `Guide ${i} part ${p}: servicing a ${WORDS[(i + p) % WORDS.length]} takes ${(i % 7) + p} steps, ` +
        `and the ${WORDS[(i * 3 + p) % WORDS.length]} check comes after the ${WORDS[(i * 5 + p) % WORDS.length]} one. ` +
        `Reference code ${i}-${p}-${(i * 31 + p * 17) % 997}.`,
    ).join('\n\n'),
  }));
}

/**
 * A worker killed (SIGKILL: no drain, no cleanup) in the middle of an ingestion job: the job must not be lost or
 * applied twice. BullMQ re-delivers it once its lock lapses, the job row's heartbeat is stale, and a new worker
 * runs it from the start; the knowledge base ends with one version holding every document once.
 */
describe('A worker killed mid-ingestion', () => {
  let api: AppProcess;
  let first: AppProcess | undefined;
  let second: AppProcess | undefined;
  // A 10 s lock instead of 30 s: the killed worker's job is re-delivered after 10–20 s rather than 30–60 s.
  const shared = { ...clusterSecrets(), MIGRATIONS_RUN: 'false', SHUTDOWN_DELAY_MS: '0', KB_JOB_LOCK_MS: '10000' };

  beforeAll(async () => {
    [api, first] = await Promise.all([
      startAppProcess({ ...shared, APP_ROLE: 'api' }),
      startAppProcess({ ...shared, APP_ROLE: 'worker' }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([api, first, second].filter((p): p is AppProcess => !!p).map((p) => stopApp(p)));
  });

  async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  async function job(businessId: string, jobId: string): Promise<Record<string, unknown>> {
    return call('GET', `/admin/business/${businessId}/knowledge/jobs/${jobId}`);
  }

  it('is taken over by another worker and applied exactly once', async () => {
    const businessId = `crash-${Date.now().toString(36)}`;
    await call('POST', '/admin/business', { businessId, businessName: 'Acme Plumbing' });
    // NDJSON: a few MB, over the JSON body limit, as a real bulk upload would be sent.
    const upload = await fetch(`${api.url}/admin/business/${businessId}/knowledge/documents`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/x-ndjson' },
      body: documents()
        .map((d) => JSON.stringify(d))
        .join('\n'),
    });
    expect(upload.status).toBe(202);
    const jobId = ((await upload.json()) as { jobId: string }).jobId;

    // Killed once the job is under way, before it can finish.
    let seen: Record<string, unknown> = {};
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      seen = await job(businessId, jobId);
      if (seen.status === 'running' || seen.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.status).toBe('running');
    // The lock the worker holds in Redis lapses within KB_JOB_LOCK_MS of its last renewal (BullMQ's default is 30 s).
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const queue = knowledgeQueueName(process.env.DATABASE_URL);
      const lockTtl = await redis.pttl(`${process.env.REDIS_KEY_PREFIX}bull:${queue}:${jobId}:lock`);
      expect(lockTtl).toBeGreaterThan(0);
      expect(lockTtl).toBeLessThanOrEqual(10_000);
    } finally {
      redis.disconnect();
    }
    first!.kill('SIGKILL');
    await first!.exited;
    expect((await job(businessId, jobId)).status).toBe('running');
    // The minute without heartbeats a takeover waits for (JOB_STALE_AFTER_SECONDS) is taken as already passed, so
    // the test waits only for BullMQ to find the job's lock gone (its stalled-job check, every KB_JOB_LOCK_MS).
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`UPDATE kb_jobs SET heartbeat_at = now() - interval '10 minutes' WHERE id = $1`, [jobId]);
    } finally {
      await db.end();
    }

    second = await startAppProcess({ ...shared, APP_ROLE: 'worker' });
    let done: Record<string, unknown> = {};
    for (const deadline = Date.now() + 240_000; Date.now() < deadline;) {
      done = await job(businessId, jobId);
      if (done.status === 'completed' || done.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(done).toMatchObject({ status: 'completed', version: 1 });
    // The row is marked completed just before the worker logs it: wait for the line rather than race it.
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      if (second.output().includes('"kb_job_completed"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(second.output()).toContain('"kb_job_completed"');

    const { versions } = (await call('GET', `/admin/business/${businessId}/knowledge/versions`)) as {
      versions: unknown[];
    };
    expect(versions).toHaveLength(1);
    // Every document once: the killed run's partial work neither survived beside the re-run nor doubled it.
    const health = await call('GET', `/admin/business/${businessId}/knowledge/health`);
    expect(health.documents).toBe(DOCUMENTS);
    expect(health.chunks).toBe((done.counts as { added: number }).added);
    const found = (await call(
      'GET',
      `/admin/business/${businessId}/knowledge/search?q=${encodeURIComponent('Reference code 2999-11')}`,
    )) as { results: { url: string }[] };
    expect(found.results[0]?.url).toBe('https://acme.example.com/guides/2999');
  }, 420_000);
});
