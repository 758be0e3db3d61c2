/**
 * Voice bridge benchmark: `npm run bench:voice [-- --calls 50 --seconds 60 --tenants 10]`.
 *
 * Boots the real app (Postgres, Redis) in this thread. A worker thread hosts both the fake Gemini Live server (echoing
 * each caller frame back as 24 kHz model speech) and N simulated Twilio callers that send real Media Streams JSON,
 * one 20 ms μ-law frame every 20 ms, and echo marks. Keeping load generator and fake model off the app's event loop
 * makes the measured loop lag the bridge's own. Every call goes through the signed webhook first, as on Twilio.
 *
 * Prints one JSON line (keys in BENCH.md): per-frame bridge time p50/p99 (caller frame → model), frames in/out,
 * frames dropped (sent by callers but never reaching the model, plus any dropped while buffering), event-loop lag
 * p99, and heap bytes per active call.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

import { positiveIntArg } from './support/cli-args';
import { ensureDatabase } from './support/ensure-database';

interface CallPlan {
  businessId: string;
  callSid: string;
  token: string;
  ticket: string;
}

type WorkerMsg =
  | { type: 'live-ready'; port: number }
  | { type: 'calls-connected' }
  | {
      type: 'done';
      framesSent: number;
      framesReceived: number;
      modelFramesIn: number;
      badFrames: number;
      closedEarly: number;
    };

async function runWorker(): Promise<void> {
  const { FakeGeminiLiveServer } = await import('test/fakes/fake-gemini-live.server');
  const { SimulatedCaller } = await import('test/voice/support/simulated-caller');
  const live = new FakeGeminiLiveServer({ echo: true });
  const url = await live.start();
  parentPort!.postMessage({ type: 'live-ready', port: Number(new URL(url).port) } satisfies WorkerMsg);
  parentPort!.once('message', async (msg: { appUrl: string; calls: CallPlan[]; seconds: number }) => {
    const callers = msg.calls.map(
      (c) =>
        new SimulatedCaller({
          appUrl: msg.appUrl,
          authToken: c.token,
          businessId: c.businessId,
          callSid: c.callSid,
          ticket: c.ticket,
        }),
    );
    await Promise.all(callers.map((c) => c.connect()));
    for (const c of callers) c.start();
    await new Promise((r) => setTimeout(r, 1500));
    parentPort!.postMessage({ type: 'calls-connected' } satisfies WorkerMsg);
    const frames = msg.seconds * 50;
    const started = Date.now();
    // One timer drives every caller so 50 calls cost one wake-up per 20 ms, paced against the wall clock.
    for (let i = 0; i < frames; i++) {
      for (const [n, c] of callers.entries()) await c.sendTone(300 + n * 20, 20, 0);
      const wait = started + (i + 1) * 20 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const framesReceived = callers.reduce((n, c) => n + c.media().length, 0);
    const badFrames = callers.reduce((n, c) => n + c.media().filter((f) => f.length !== 160).length, 0);
    const closedEarly = callers.filter((c) => c.closeCode !== null).length;
    const modelFramesIn = live.sessions.reduce((n, s) => n + s.audioChunksIn, 0);
    for (const c of callers) c.stop();
    await Promise.all(callers.map((c) => c.waitClosed(10_000).catch(() => undefined)));
    await live.stop();
    parentPort!.postMessage({
      type: 'done',
      framesSent: frames * callers.length,
      framesReceived,
      modelFramesIn,
      badFrames,
      closedEarly,
    } satisfies WorkerMsg);
  });
}

async function main(): Promise<void> {
  const CALLS = positiveIntArg('calls', 50);
  const SECONDS = positiveIntArg('seconds', 60);
  const TENANTS = Math.min(positiveIntArg('tenants', 10), CALLS);
  const ADMIN_KEY = randomBytes(24).toString('hex');
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;

  const worker = new Worker(__filename, { execArgv: ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register'] });
  const next = <T extends WorkerMsg['type']>(type: T) =>
    new Promise<Extract<WorkerMsg, { type: T }>>((resolve, reject) => {
      const onMsg = (m: WorkerMsg) => {
        if (m.type === type) {
          worker.off('message', onMsg);
          resolve(m as Extract<WorkerMsg, { type: T }>);
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
  const { port } = await next('live-ready');

  // The simulated callers sign their upgrade for this public URL, as Twilio does for the configured one.
  const { PUBLIC_BASE_URL, twilioSignature } = await import('test/voice/support/twilio-signing');
  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench',
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'warn',
    PUBLIC_BASE_URL,
    GEMINI_API_KEY: 'bench-key',
    GEMINI_BASE_URL: `http://127.0.0.1:${port}`,
  });
  await ensureDatabase(process.env.DATABASE_URL!);
  // Imported after the environment is set: the app validates it when its modules are built.
  const { createApp } = await import('src/bootstrap');
  const { VoiceMetrics } = await import('src/voice/voice-metrics.service');
  const { businessFactory } = await import('test/factories/business.factory');
  const { callSid, voiceConfigFactory } = await import('test/factories/voice.factory');
  const { ticketFrom } = await import('test/voice/support/voice-call-harness');

  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const admin = { 'content-type': 'application/json', 'x-admin-api-key': ADMIN_KEY };
  const tenants: { businessId: string; token: string; number: string }[] = [];
  try {
    for (let i = 0; i < TENANTS; i++) {
      const b = businessFactory.build({ businessId: `bench-voice-${randomBytes(4).toString('hex')}` });
      await must(fetch(`${base}/admin/business`, { method: 'POST', headers: admin, body: JSON.stringify(b) }));
      const v = voiceConfigFactory.build();
      await must(
        fetch(`${base}/admin/business/${b.businessId}/voice`, {
          method: 'PUT',
          headers: admin,
          body: JSON.stringify(v),
        }),
      );
      tenants.push({
        businessId: b.businessId as string,
        token: v.twilioAuthToken as string,
        number: (v.phoneNumbers as string[])[0],
      });
    }
    const calls: CallPlan[] = [];
    for (let i = 0; i < CALLS; i++) {
      const tenant = tenants[i % tenants.length];
      const sid = callSid();
      const params = { CallSid: sid, To: tenant.number, From: '+14155550123' };
      const twiml = await must(
        fetch(`${base}/voice/incoming`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(tenant.token, `${PUBLIC_BASE_URL}/voice/incoming`, params),
          },
          body: new URLSearchParams(params).toString(),
        }),
      );
      calls.push({ businessId: tenant.businessId, callSid: sid, token: tenant.token, ticket: ticketFrom(twiml) });
    }
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    worker.postMessage({ appUrl: base.replace(/^http/, 'ws'), calls, seconds: SECONDS });
    await next('calls-connected');
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const metrics = app.get(VoiceMetrics);
    // Heap per call is read mid-run, with every call active and its buffers warm. The forced GC pauses the loop,
    // so lag sampling is off while it runs (the histogram keeps accumulating across disable/enable).
    const heapProbe = new Promise<number>((resolve) =>
      setTimeout(
        () => {
          lag.disable();
          gc();
          const heap = process.memoryUsage().heapUsed;
          lag.enable();
          resolve(heap);
        },
        (SECONDS * 1000) / 2,
      ),
    );
    const done = await next('done');
    lag.disable();
    const heapDuring = await heapProbe;
    const snap = metrics.snapshot();
    const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
    console.log(
      JSON.stringify({
        calls: CALLS,
        seconds: SECONDS,
        frameP50Ms: round(snap.frameProcessingMs.p50),
        frameP99Ms: round(snap.frameProcessingMs.p99),
        framesIn: snap.framesIn,
        framesOut: snap.framesOut,
        framesDropped: snap.framesDropped + Math.max(0, done.framesSent - done.modelFramesIn),
        loopLagP99Ms: round(lag.percentile(99) / 1e6),
        bytesPerCall: Math.max(0, Math.round((heapDuring - heapBefore) / CALLS)),
        outboundChunkP99Ms: round(snap.outboundChunkProcessingMs.p99),
        framesSentByCallers: done.framesSent,
        framesReceivedByCallers: done.framesReceived,
        badFrames: done.badFrames,
        callsClosedEarly: done.closedEarly,
        tenants: TENANTS,
      }),
    );
  } finally {
    for (const t of tenants)
      await fetch(`${base}/admin/business/${t.businessId}`, { method: 'DELETE', headers: admin }).catch(
        () => undefined,
      );
    await app.close();
    await worker.terminate();
  }
}

async function must(res: Promise<Response>): Promise<string> {
  const r = await res;
  const text = await r.text();
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${text}`);
  return text;
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  void workerData;
  runWorker().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
