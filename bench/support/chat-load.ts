import { Worker } from 'node:worker_threads';

import type { LoadResult } from './load';

export interface ChatLoadOptions {
  url: string;
  seconds: number;
  connections: number;
  /** One entry per visitor: its tenant, session and the session token its first answer carried. */
  visitors: { businessId: string; sessionId: string; token: string }[];
  messages: string[];
}

/**
 * POST /chat from autocannon in a worker thread (off the measuring process's event loop). Requests cycle through
 * far more sessions than connections, so in-flight turns practically never wait on one session's lock.
 */
const CHAT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require('autocannon');
const { url, seconds, connections, visitors, messages } = workerData;
let issued = 0;
const opts = { url, method: 'POST', duration: seconds, connections, headers: { 'content-type': 'application/json' },
  requests: [{ setupRequest: (req) => {
    const n = issued++;
    const v = visitors[n % visitors.length];
    const message = messages[Math.floor(n / visitors.length) % messages.length];
    const body = { business_id: v.businessId, session_id: v.sessionId, session_token: v.token, message };
    return { ...req, body: JSON.stringify(body) };
  } }] };
autocannon(opts, (err, raw) => {
  if (err) throw err;
  // Inside a worker thread autocannon hands back raw histograms, as it does to its own workers.
  const r = raw.latency && raw.latency.p50 !== undefined ? raw : autocannon.aggregateResult([raw], opts);
  const elapsed = (new Date(r.finish) - new Date(r.start)) / 1000 || seconds;
  parentPort.postMessage({ rps: r.requests.total / elapsed, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx, timeouts: r.timeouts, non2xx: r.non2xx, total: r.requests.total });
});
`;

/** What `errors` is made of: requests autocannon gave up on (10 s) and answers other than 2xx. */
export interface ChatLoadResult extends LoadResult {
  timeouts: number;
  non2xx: number;
}

export function chatLoad(options: ChatLoadOptions): Promise<ChatLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CHAT_WORKER, { eval: true, workerData: options });
    worker.once('message', (m: ChatLoadResult) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
