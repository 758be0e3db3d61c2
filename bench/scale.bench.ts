/**
 * Scale-out benchmark: `npm run bench:scale [-- --seconds 10 --connections 32 --sessions 1024 --jobs 100]`.
 *
 * `--rounds N` (default 2) alternates the two set-ups in ABBA order; rates are averaged and the worse p99 is kept.
 *
 * Runs the platform as separate processes, as a scaled deployment does (test/support/app-cluster.ts, shared with
 * the multi-instance e2e): two API instances (APP_ROLE=api) and, later, one worker (APP_ROLE=worker), on real
 * Postgres and Redis, with the offline provider answering (no model latency). `/chat` is loaded through the same
 * round-robin proxy twice in one run, first with one API instance behind it and then with both, so the two figures
 * share the machine's conditions and the proxy's own cost. Then ingestion jobs are queued while no worker runs, a
 * worker is started, and its drain rate is taken from the jobs' own start and finish times in Postgres.
 *
 * Prints one JSON line (keys in BENCH.md). On a machine with fewer cores than processes (two API instances,
 * Postgres, Redis, the proxy and the load generator), the second instance adds little or nothing: that is the
 * point of measuring both in the same run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from 'src/database/data-source.options';
import { businessFactory } from 'test/factories/business.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { AppProcess, startAppProcess } from 'test/scale/app-process';
import { clusterSecrets, RoundRobinProxy, stopApp } from 'test/support/app-cluster';

import { chatLoad, ChatLoadResult } from './support/chat-load';
import { positiveIntArg } from './support/cli-args';
import { ensureDatabase } from './support/ensure-database';

const SECONDS = positiveIntArg('seconds', 10);
const CONNECTIONS = positiveIntArg('connections', 32);
const SESSIONS = positiveIntArg('sessions', 1024);
const JOBS = positiveIntArg('jobs', 100);
// Rounds of "one instance, then two" in ABBA order (one, two, two, one, ...), so a shared machine's drifting load
// weighs on both sides alike.
const ROUNDS = positiveIntArg('rounds', 2);
const TENANTS = 8;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const ADMIN_KEY = randomBytes(24).toString('hex');
const PREFIX = `concierge-bench:${randomBytes(4).toString('hex')}:`;
const MESSAGES = [
  'What services do you offer?',
  'How much does a water heater repair cost?',
  'Can someone come by next Tuesday morning?',
  'Do you work on weekends?',
];

const ENV = {
  NODE_ENV: 'development',
  DATABASE_URL,
  REDIS_URL,
  REDIS_KEY_PREFIX: PREFIX,
  ADMIN_API_KEY: ADMIN_KEY,
  LOG_LEVEL: 'warn',
  LLM_PROVIDER: 'offline',
  EMBEDDING_PROVIDER: 'local',
  GEMINI_API_KEY: '',
  MIGRATIONS_RUN: 'false',
  CHAT_RATE_LIMIT_PER_MINUTE: '0',
  CHAT_IP_RATE_LIMIT_PER_MINUTE: '0',
  CHAT_IP_RATE_LIMIT_ALL_TENANTS_PER_MINUTE: '0',
  ...clusterSecrets(),
};
const admin = { 'content-type': 'application/json', 'x-admin-api-key': ADMIN_KEY };

/** Once, before any instance starts, as the Kubernetes migration Job does. */
async function migrate(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const ds = new DataSource(dataSourceOptions(DATABASE_URL));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: admin, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Each visitor's first turn, through the proxy: it warms both instances and yields the session token. */
async function openSessions(base: string, tenants: string[]) {
  const visitors = Array.from({ length: SESSIONS }, (_, i) => ({
    businessId: tenants[i % tenants.length],
    sessionId: randomUUID(),
    token: '',
  }));
  for (let i = 0; i < visitors.length; i += CONNECTIONS) {
    await Promise.all(
      visitors.slice(i, i + CONNECTIONS).map(async (v) => {
        const body = await post(`${base}/chat`, { business_id: v.businessId, session_id: v.sessionId, message: 'Hi' });
        v.token = body.session_token as string;
      }),
    );
  }
  return visitors;
}

/** Queues `JOBS` document jobs (distinct content, so each builds a version) while no worker consumes them. */
async function queueJobs(base: string, tenants: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < JOBS; n++) {
    const businessId = tenants[n % tenants.length];
    const documents = plumbingDocumentsFactory.build({
      pricing: `Price list ${n}: drain cleaning costs ${100 + n} dollars per visit, estimates are free.`,
    });
    ids.push((await post(`${base}/admin/business/${businessId}/knowledge/documents`, { documents })).jobId as string);
  }
  return ids;
}

/** Jobs per second from the first start to the last finish, as Postgres recorded them. */
async function drainRate(ids: string[]): Promise<{ perSec: number; failed: number }> {
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    for (const deadline = Date.now() + 600_000; ;) {
      const { rows } = await db.query<{ open: string; failed: string; first: Date; last: Date }>(
        `SELECT count(*) FILTER (WHERE status IN ('queued', 'running')) AS open,
                count(*) FILTER (WHERE status = 'failed') AS failed,
                min(started_at) AS first, max(finished_at) AS last
         FROM kb_jobs WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const r = rows[0];
      if (Number(r.open) === 0) {
        const seconds = (r.last.getTime() - r.first.getTime()) / 1000;
        return { perSec: ids.length / Math.max(seconds, 0.001), failed: Number(r.failed) };
      }
      if (Date.now() > deadline) throw new Error(`${r.open} jobs still open after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await db.end();
  }
}

/** Rounds of one set-up: mean rate and p50, the worst p99, all errors. */
function combine(results: ChatLoadResult[]): ChatLoadResult {
  const mean = (f: (r: ChatLoadResult) => number) => results.reduce((sum, r) => sum + f(r), 0) / results.length;
  return {
    rps: mean((r) => r.rps),
    p50: mean((r) => r.p50),
    p99: Math.max(...results.map((r) => r.p99)),
    max: Math.max(...results.map((r) => r.max)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    total: results.reduce((sum, r) => sum + r.total, 0),
  };
}

/** Resident memory of an instance in bytes (Linux /proc; 0 elsewhere), for sizing replicas. */
function rssBytes(p: AppProcess): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${p.child.pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Average Redis memory of one live chat session (MEMORY USAGE over a sample of this run's sessions). */
async function redisBytesPerSession(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const [, keys] = await redis.scan('0', 'MATCH', `${PREFIX}chat:*`, 'COUNT', 1000);
    const sizes = await Promise.all(keys.slice(0, 200).map((k) => redis.memory('USAGE', k)));
    const known = sizes.filter((n): n is number => typeof n === 'number');
    return known.length ? Math.round(known.reduce((a, b) => a + b, 0) / known.length) : 0;
  } finally {
    redis.disconnect();
  }
}

/** The run's keys (sessions, limits, BullMQ queues) all live under its own prefix. */
async function dropRedisKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  await migrate();
  const processes: AppProcess[] = [];
  const proxies: RoundRobinProxy[] = [];
  const tenants: string[] = [];
  try {
    processes.push(...(await Promise.all([0, 1].map(() => startAppProcess({ ...ENV, APP_ROLE: 'api' })))));
    const [one, two] = await Promise.all([
      RoundRobinProxy.start([processes[0].url], { keepAlive: true }),
      RoundRobinProxy.start(
        processes.map((p) => p.url),
        { keepAlive: true },
      ),
    ]);
    proxies.push(one, two);
    for (let i = 0; i < TENANTS; i++) {
      const business = businessFactory.build({ businessId: `bench-scale-${randomBytes(4).toString('hex')}` });
      await post(`${two.url}/admin/business`, business);
      tenants.push(business.businessId);
    }
    const visitors = await openSessions(two.url, tenants);
    const load = (url: string, seconds: number) =>
      chatLoad({ url: `${url}/chat`, seconds, connections: CONNECTIONS, visitors, messages: MESSAGES });
    await load(two.url, 3); // warm-up: JIT, connection pools, tenant caches on both instances
    const singles: ChatLoadResult[] = [];
    const doubles: ChatLoadResult[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? [one, two] : [two, one];
      for (const proxy of order) (proxy === one ? singles : doubles).push(await load(proxy.url, SECONDS));
    }
    const single = combine(singles);
    const double = combine(doubles);
    const apiRss = Math.max(...processes.map(rssBytes));
    const sessionBytes = await redisBytesPerSession();

    const jobs = await queueJobs(two.url, tenants);
    processes.push(await startAppProcess({ ...ENV, APP_ROLE: 'worker' }));
    const drain = await drainRate(jobs);
    const workerRss = rssBytes(processes[2]);

    const round = (n: number) => Math.round(n * 100) / 100;
    console.log(
      JSON.stringify({
        rpsOne: round(single.rps),
        p99OneMs: single.p99,
        rpsTwo: round(double.rps),
        p99TwoMs: double.p99,
        queueDrainPerSec: round(drain.perSec),
        errors: single.errors + double.errors + drain.failed,
        timeouts: single.timeouts + double.timeouts,
        non2xx: single.non2xx + double.non2xx,
        p50OneMs: round(single.p50),
        p50TwoMs: round(double.p50),
        ratio: round(double.rps / single.rps),
        jobs: JOBS,
        connections: CONNECTIONS,
        sessions: SESSIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        rpsOneRounds: singles.map((r) => round(r.rps)),
        rpsTwoRounds: doubles.map((r) => round(r.rps)),
        apiRssBytes: apiRss,
        redisBytesPerSession: sessionBytes,
        workerRssBytes: workerRss,
        cores: availableParallelism(),
      }),
    );
  } finally {
    await Promise.all(proxies.map((p) => p.stop()));
    const api = processes[0]?.url;
    if (api)
      for (const id of tenants)
        await fetch(`${api}/admin/business/${id}`, { method: 'DELETE', headers: admin }).catch(() => undefined);
    await Promise.all(processes.map((p) => stopApp(p)));
    await dropRedisKeys();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
