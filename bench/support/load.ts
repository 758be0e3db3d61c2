import { Worker } from 'node:worker_threads';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  total: number;
}

/**
 * A GET load from autocannon in a worker thread, so the load generator does not sit on the measured event loop (the
 * app runs in this process). Runs for `seconds`, or until `stop()` when the load must last exactly as long as some
 * other work whose duration is not known in advance.
 */
const GET_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require('autocannon');
const { url, seconds, connections } = workerData;
const opts = { url, connections, duration: seconds };
const instance = autocannon(opts, (err, raw) => {
  if (err) throw err;
  // Inside a worker thread autocannon hands back raw histograms, as it does to its own workers.
  const r = raw.latency && raw.latency.p50 !== undefined ? raw : autocannon.aggregateResult([raw], opts);
  const elapsed = (new Date(r.finish) - new Date(r.start)) / 1000 || seconds;
  parentPort.postMessage({ rps: r.requests.total / elapsed, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx, total: r.requests.total });
});
parentPort.on('message', (m) => { if (m === 'stop') instance.stop(); });
`;

export interface RunningLoad {
  result: Promise<LoadResult>;
  stop(): Promise<LoadResult>;
}

export function startGetLoad(url: string, connections: number, seconds: number): RunningLoad {
  const worker = new Worker(GET_WORKER, { eval: true, workerData: { url, connections, seconds } });
  const result = new Promise<LoadResult>((resolve, reject) => {
    worker.once('message', (m: LoadResult) => resolve(m));
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
  return {
    result,
    stop: () => {
      worker.postMessage('stop');
      return result;
    },
  };
}

export function getLoad(url: string, connections: number, seconds: number): Promise<LoadResult> {
  return startGetLoad(url, connections, seconds).result;
}
