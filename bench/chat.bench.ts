/**
 * Chat throughput benchmark:
 * `npm run bench:chat [-- --seconds 15 --connections 32 --tenants 8 --sessions 2048 --llm fake|offline --kb]`.
 *
 * Boots the real AppModule in-process through the production bootstrap, with real Postgres and Redis and only the
 * LLM swapped for a zero-latency fake, so the figures measure the platform's own cost per turn (tenant config,
 * session lock, load/save, transcript, guards, validation). Rate limits are off for the run. Load comes from
 * autocannon in a worker thread so the load generator does not sit on the app's event loop; the app's loop lag is
 * sampled during the chat run. A trivial endpoint of the same app (GET /health) is measured in the same run, so the
 * ratio between the two is comparable across machines.
 *
 * Requests cycle through thousands of sessions spread over several tenants, so in-flight requests do not share a
 * session (that would measure the per-session lock, not throughput), and sessions grow long enough to summarize. Prints one JSON line (keys in BENCH.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';

import { LlmProvider, LlmRequest, LlmResponse, LlmStreamEvent } from 'src/chat/llm-provider.port';

import { positiveIntArg } from './support/cli-args';
import { ensureDatabase } from './support/ensure-database';
import { GcPauses } from './support/gc-pauses';
import { threadCpu } from './support/thread-schedstat';

const SECONDS = positiveIntArg('seconds', 15);
const CONNECTIONS = positiveIntArg('connections', 32);
const TENANTS = positiveIntArg('tenants', 8);
const SESSIONS = positiveIntArg('sessions', 2048);
const ADMIN_KEY = randomBytes(24).toString('hex');
// `--profile <file>` writes a CPU profile of the app's thread during the measured chat run only (not start-up).
// `--llm offline` runs the platform's own offline provider (the default without GEMINI_API_KEY) instead of the fake;
// `--kb` ingests the real GoAccel knowledge base into every tenant, so retrieval (and extractive answers) are measured.
const LLM = process.argv.includes('--llm') ? process.argv[process.argv.indexOf('--llm') + 1] : 'fake';
if (LLM !== 'fake' && LLM !== 'offline') throw new Error('--llm must be fake or offline');
const KB = process.argv.includes('--kb');
const KB_FILE = join(__dirname, '..', '..', 'shared', 'datasets', 'goaccel-kb.jsonl');
const PROFILE_FILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : null;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';

Object.assign(process.env, {
  NODE_ENV: 'development',
  DATABASE_URL,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  ADMIN_API_KEY: ADMIN_KEY,
  LOG_LEVEL: 'warn',
  CHAT_RATE_LIMIT_PER_MINUTE: '0',
  CHAT_IP_RATE_LIMIT_PER_MINUTE: '0',
  CHAT_IP_RATE_LIMIT_ALL_TENANTS_PER_MINUTE: '0',
});
delete process.env.GEMINI_API_KEY;

/** Answers instantly in the house format, so the run measures the platform and not a model. */
class ZeroLatencyLlm extends LlmProvider {
  private readonly reply: LlmResponse = {
    text: 'We can certainly help with that, and a technician can usually come the same week.<br><br>Would you like to book a visit?',
    toolCalls: [],
    finishReason: 'stop',
    provider: 'fake',
  };

  generate(_request: LlmRequest): Promise<LlmResponse> {
    return Promise.resolve(this.reply);
  }

  async *stream(_request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    yield { type: 'delta', text: this.reply.text };
    yield { type: 'done', response: this.reply };
  }

  summarize(previousSummary: string | null, _turns: unknown[]): Promise<string> {
    return Promise.resolve(previousSummary ?? 'The customer asked about services.');
  }
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
}

/**
 * autocannon runs in a worker; `setupRequest` gives every request its tenant and session, round-robin over far more
 * sessions than requests in flight, so concurrent requests practically never contend for one session's lock.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require('autocannon');
const { url, method, seconds, amount, connections, tenants, sessions, tokens, messages } = workerData;
let issued = 0;
const opts = { url, method, duration: seconds, connections, headers: { 'content-type': 'application/json' } };
if (amount) opts.amount = amount;
if (method === 'POST') {
  opts.requests = [{
    setupRequest: (req) => {
      const n = issued++;
      const slot = n % sessions.length;
      const body = { business_id: tenants[slot % tenants.length], session_id: sessions[slot], session_token: tokens[slot], message: messages[Math.floor(n / sessions.length) % messages.length] };
      return { ...req, body: JSON.stringify(body) };
    },
  }];
}
// Inside a worker thread autocannon hands back raw histograms, as it does to its own workers.
autocannon(opts, (err, raw) => {
  if (err) throw err;
  const r = raw.latency && raw.latency.p50 !== undefined ? raw : autocannon.aggregateResult([raw], opts);
  const elapsed = (new Date(r.finish) - new Date(r.start)) / 1000 || seconds;
  parentPort.postMessage({ rps: r.requests.total / elapsed, p50: r.latency.p50, p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx, total: r.requests.total });
});
`;

function load(workerData: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData });
    worker.once('message', (m: LoadResult) => resolve(m));
    worker.once('error', reject);
  });
}

/** Ingests the crawled GoAccel knowledge base (legacy NDJSON) into a tenant and waits until it is searchable. */
async function ingestKnowledge(base: string, businessId: string, admin: Record<string, string>): Promise<void> {
  const url = `${base}/admin/business/${businessId}/knowledge`;
  const accepted = await fetch(`${url}/documents`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/x-ndjson' },
    body: readFileSync(KB_FILE, 'utf8'),
  });
  if (accepted.status !== 202) throw new Error(`ingestion refused: ${accepted.status} ${await accepted.text()}`);
  const { jobId } = (await accepted.json()) as { jobId: string };
  for (const deadline = Date.now() + 120_000; ;) {
    const job = (await (await fetch(`${url}/jobs/${jobId}`, { headers: admin })).json()) as { status: string };
    if (job.status === 'completed') return;
    if (job.status === 'failed' || Date.now() > deadline) throw new Error(`ingestion ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  // Imported after the environment is set: the app reads it when its modules are built.
  const { AppModule } = await import('src/app.module');
  const { configureApp, NEST_APP_OPTIONS } = await import('src/bootstrap');
  const { businessFactory } = await import('test/factories/business.factory');

  const builder = Test.createTestingModule({ imports: [AppModule.forRoot()] });
  if (LLM === 'fake') builder.overrideProvider(LlmProvider).useValue(new ZeroLatencyLlm());
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(NEST_APP_OPTIONS);
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const admin = { 'content-type': 'application/json', 'x-admin-api-key': ADMIN_KEY };

  const tenants: string[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const business = businessFactory.build({ businessId: `bench-${randomBytes(4).toString('hex')}` });
    const res = await fetch(`${base}/admin/business`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(business),
    });
    if (!res.ok) throw new Error(`creating tenant failed: ${res.status} ${await res.text()}`);
    tenants.push(business.businessId);
    if (KB) await ingestKnowledge(base, business.businessId, admin);
  }
  const sessions = Array.from({ length: SESSIONS }, () => randomUUID());
  // Each visitor sends the token of its session, as the widget does: the check is part of the measured cost.
  const { SessionTokens } = await import('src/session/session-tokens');
  const issuer = app.get(SessionTokens);
  const tokens = sessions.map((id, slot) => issuer.issue(tenants[slot % tenants.length], id));
  const messages = KB
    ? [
        'What does GoAccel do for home service businesses?',
        'How much does GoAccel cost?',
        'My name is Ann Lee and my email is ann.lee@example.com',
        'Can GoAccel answer my phone calls?',
        'Does it work with my CRM?',
      ]
    : [
        'What services do you offer?',
        'How much does a water heater repair cost?',
        'My name is Ann Lee and my email is ann.lee@example.com',
        'Can someone come by next Tuesday morning?',
        'Do you work on weekends?',
      ];
  const chat = { url: `${base}/chat`, method: 'POST', connections: CONNECTIONS, tenants, sessions, tokens, messages };

  try {
    await load({ ...chat, seconds: 2 }); // warm-up: JIT, connection pools, tenant caches, first-turn greetings
    // A session's first message is answered by the greeting guard, without retrieval. With --kb every session is
    // greeted before measuring, so the measured run is grounded turns only (and the tenants' indexes are built).
    if (KB) await load({ ...chat, seconds: 0, amount: sessions.length });
    // The baseline is measured half before and half after the chat run, so drift in a shared machine's load
    // affects both sides of the ratio alike.
    const health = {
      url: `${base}/health`,
      method: 'GET',
      seconds: Math.max(2, Math.round(SECONDS / 4)),
      connections: CONNECTIONS,
    };
    const before = await load(health);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const profiler = PROFILE_FILE ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const gc = new GcPauses();
    const cpu = threadCpu();
    const elu = performance.eventLoopUtilization();
    const started = performance.now();
    const measured = await load({ ...chat, seconds: SECONDS });
    const ended = performance.now();
    // Busy time of the app's event loop per chat request: steadier across runs on a shared machine than rates are.
    const busy = performance.eventLoopUtilization(elu);
    const cpuAfter = threadCpu();
    const collected = gc.between(started, ended);
    gc.stop();
    lag.disable();
    if (profiler && PROFILE_FILE) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(PROFILE_FILE, JSON.stringify(profile));
      profiler.disconnect();
    }
    const after = await load(health);
    const trivial = { rps: (before.rps + after.rps) / 2 };
    const round = (n: number) => Math.round(n * 100) / 100;
    console.log(
      JSON.stringify({
        chatRps: round(measured.rps),
        chatP50Ms: measured.p50,
        chatP99Ms: measured.p99,
        trivialRps: round(trivial.rps),
        ratio: round(measured.rps / trivial.rps),
        loopLagP99Ms: round(lag.percentile(99) / 1e6),
        errors: measured.errors,
        concurrency: CONNECTIONS,
        llm: LLM,
        kb: KB,
        grounded: KB,
        chatRequests: measured.total,
        chatLoopBusyMsPerRequest: Math.round((busy.active / measured.total) * 1000) / 1000,
        chatLoopUtilization: round(busy.utilization),
        // The app thread's GC pauses, and the share of the run it was ready to run but had no core (Linux only).
        chatGcMsPerRequest: Math.round((collected.total / measured.total) * 1000) / 1000,
        chatRunQueueWaitShare: cpu && cpuAfter ? round((cpuAfter.waitMs - cpu.waitMs) / (ended - started)) : null,
        // CPU time the app's thread ran per chat request: unlike busy time, not stretched while it waits for a core.
        chatCpuMsPerRequest:
          cpu && cpuAfter ? Math.round(((cpuAfter.runMs - cpu.runMs) / measured.total) * 1000) / 1000 : null,
        tenants: TENANTS,
        sessions: sessions.length,
        seconds: SECONDS,
      }),
    );
  } finally {
    for (const id of tenants)
      await fetch(`${base}/admin/business/${id}`, { method: 'DELETE', headers: admin }).catch(() => undefined);
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
