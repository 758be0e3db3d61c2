/**
 * Analytics benchmark: `npm run bench:analytics [-- --events 1000000 --tenants 5 --rounds 10]`.
 *
 * Boots the real app (production bootstrap, real Postgres and Redis) on its own database, creates the tenants through
 * the admin API, then seeds the events in one `generate_series` statement: sessions of 8 events (user and assistant
 * messages with intent, sentiment and latency, a lead, a CTA click), spread evenly over the last 60 days and across
 * the tenants. The transcripts of those sessions (conversations and messages, with unanswered replies and their
 * questions) are seeded in a second statement (support/transcript-seed.ts): the unanswered report reads messages,
 * not events. It then asks, for the last month of every tenant, several rounds after a warm-up round,
 * `GET /admin/business/:id/analytics` by day (`queryP50Ms`, `queryP99Ms`) and then
 * `GET /admin/business/:id/analytics/unanswered` (`unansweredMs` is its p50, with `unansweredP99Ms` and the most
 * questions and clusters one report saw), and prints one JSON line (keys in /work/shared/BENCH.md). The seed is
 * dropped again at the end.
 */
import { randomBytes } from 'node:crypto';

import { DataSource } from 'typeorm';

import { positiveIntArg } from './support/cli-args';
import { ensureDatabase } from './support/ensure-database';
import { seedTranscripts } from './support/transcript-seed';

const EVENTS = positiveIntArg('events', 1_000_000);
const TENANTS = positiveIntArg('tenants', 5);
const ROUNDS = positiveIntArg('rounds', 10);
const DAYS = 60;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_analytics';
const ADMIN_KEY = randomBytes(24).toString('hex');

Object.assign(process.env, {
  NODE_ENV: 'development',
  DATABASE_URL,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  ADMIN_API_KEY: ADMIN_KEY,
  LOG_LEVEL: 'warn',
});

/** Session s belongs to tenant s % TENANTS and starts (s / sessions) of the way back over DAYS days. */
const SEED_SQL = `
INSERT INTO analytics_events (business_id, session_id, channel, type, payload, created_at)
SELECT $1 || ((g / 8) % $2), 's' || (g / 8), 'chat',
       (ARRAY['user_message', 'assistant_message', 'user_message', 'lead_captured', 'assistant_message',
              'cta_clicked', 'user_message', 'assistant_message'])[g % 8 + 1],
       CASE g % 8
         WHEN 0 THEN jsonb_build_object('chars', 24, 'intent', (ARRAY['greeting', 'pricing', 'other'])[g % 3 + 1],
                                        'sentiment', 'neutral')
         WHEN 2 THEN jsonb_build_object('chars', 40, 'intent', (ARRAY['pricing', 'human_handoff', 'appointment'])[g % 3 + 1],
                                        'sentiment', (ARRAY['positive', 'neutral', 'negative'])[g % 3 + 1])
         WHEN 6 THEN jsonb_build_object('chars', 30, 'intent', 'other', 'sentiment', 'neutral')
         WHEN 3 THEN jsonb_build_object('fields', jsonb_build_array('email'), 'corrected', '[]'::jsonb)
         WHEN 5 THEN jsonb_build_object('ctaId', (ARRAY['pricing', 'book_appointment'])[g % 2 + 1],
                                        'action', (ARRAY['send', 'link'])[g % 2 + 1])
         ELSE jsonb_build_object('chars', 200, 'provider', 'offline', 'latencyMs', 200 + g % 1800)
              || CASE WHEN g % 31 = 0 THEN '{"unanswered": "low_confidence"}'::jsonb ELSE '{}'::jsonb END
       END,
       now() - ((g / 8)::float8 / ($3::float8 / 8)) * interval '${DAYS} days' + (g % 8) * interval '20 seconds'
FROM generate_series(0, $3 - 1) g`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const { createApp } = await import('src/bootstrap');
  // createApp already runs configureApp: configuring twice would stack every middleware twice.
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const db = app.get(DataSource);
  const prefix = `bench-analytics-${randomBytes(3).toString('hex')}-`;
  const tenants = Array.from({ length: TENANTS }, (_, i) => `${prefix}${i}`);
  const headers = { 'X-Admin-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' };
  try {
    for (const businessId of tenants) {
      const res = await fetch(`${base}/admin/business`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          businessId,
          businessName: 'Bench Co',
          systemPrompt: 'You are the concierge for Bench Co.',
          greetingMessage: 'Hi!',
        }),
      });
      if (res.status !== 201) throw new Error(`tenant creation answered ${res.status}: ${await res.text()}`);
    }
    const seedStarted = performance.now();
    await db.query(SEED_SQL, [prefix, TENANTS, EVENTS]);
    // As autovacuum would soon after such a load: the visibility map makes the index-only scans index-only.
    await db.query('VACUUM ANALYZE analytics_events');
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const transcriptsStarted = performance.now();
    await seedTranscripts(db, prefix, TENANTS, EVENTS);
    await db.query('VACUUM ANALYZE conversations, messages');
    const transcriptSeedSeconds = (performance.now() - transcriptsStarted) / 1000;

    const to = new Date();
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const get = async <T>(path: string): Promise<{ ms: number; body: T }> => {
      const started = performance.now();
      const res = await fetch(`${base}/admin/business/${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as T;
      return { ms: performance.now() - started, body };
    };
    // A warm-up round (plans and caches, not measured), then ROUNDS rounds over every tenant, sorted.
    const measure = async (ask: (id: string) => Promise<number>): Promise<number[]> => {
      for (const id of tenants) await ask(id);
      const times: number[] = [];
      for (let r = 0; r < ROUNDS; r++) for (const id of tenants) times.push(await ask(id));
      return times.sort((a, b) => a - b);
    };

    const times = await measure(async (id) => {
      const { ms, body } = await get<{ totals: { sessions: number } }>(`${id}/analytics?${range}&interval=day&tz=UTC`);
      if (body.totals.sessions === 0) throw new Error('the seeded tenant reports no sessions');
      return ms;
    });
    const seen = { questions: 0, clusters: 0, truncated: false };
    const unanswered = await measure(async (id) => {
      const { ms, body } = await get<{ questionsConsidered: number; totalClusters: number; truncated: boolean }>(
        `${id}/analytics/unanswered?${range}`,
      );
      if (body.questionsConsidered === 0) throw new Error('the seeded tenant reports no unanswered questions');
      seen.questions = Math.max(seen.questions, body.questionsConsidered);
      seen.clusters = Math.max(seen.clusters, body.totalClusters);
      seen.truncated ||= body.truncated;
      return ms;
    });
    const ms = (n: number) => Math.round(n * 10) / 10;
    console.log(
      JSON.stringify({
        events: EVENTS,
        tenants: TENANTS,
        eventsPerTenantInRange: Math.round(EVENTS / TENANTS / 2),
        queries: times.length,
        queryP50Ms: ms(percentile(times, 0.5)),
        queryP99Ms: ms(percentile(times, 0.99)),
        queryMaxMs: ms(times[times.length - 1]),
        unansweredMs: ms(percentile(unanswered, 0.5)),
        unansweredP99Ms: ms(percentile(unanswered, 0.99)),
        unansweredMaxMs: ms(unanswered[unanswered.length - 1]),
        unansweredQuestions: seen.questions,
        unansweredClusters: seen.clusters,
        unansweredTruncated: seen.truncated,
        seedSeconds: ms(seedSeconds),
        transcriptSeedSeconds: ms(transcriptSeedSeconds),
      }),
    );
  } finally {
    // The seeded conversations and messages go with their tenant (ON DELETE CASCADE).
    for (const id of tenants) await db.query('DELETE FROM businesses WHERE business_id = $1', [id]);
    await db.query('DELETE FROM analytics_events WHERE business_id LIKE $1', [`${prefix}%`]);
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
