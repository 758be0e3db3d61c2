import { join, resolve } from 'node:path';
import { type ResourceLimits, Worker } from 'node:worker_threads';

import { withDeadline } from 'src/common/deadline/deadline';

/**
 * Loads a worker module written in TypeScript. Built code (dist/) runs the compiled `.js` beside this file; under
 * ts-node or Jest the same module is loaded through ts-node (SWC transpile, no type check) with the `src/*` paths.
 */
const BOOT_SOURCE = `
const { workerData } = require('node:worker_threads');
const { entry, loader } = workerData.boot;
if (loader) {
  require(loader.tsNode).register({ transpileOnly: true, swc: true, project: loader.project });
  require(loader.tsconfigPaths).register({ baseUrl: loader.baseUrl, paths: { 'src/*': ['src/*'] } });
}
require(entry);
`;

export function spawnModuleWorker(
  directory: string,
  name: string,
  data: object,
  options: { transferList?: ArrayBuffer[]; resourceLimits: ResourceLimits },
): Worker {
  const typescript = __filename.endsWith('.ts');
  const root = resolve(__dirname, '..', '..', '..');
  const boot = {
    entry: join(directory, `${name}${typescript ? '.ts' : '.js'}`),
    loader: typescript
      ? {
          tsNode: require.resolve('ts-node'),
          tsconfigPaths: require.resolve('tsconfig-paths'),
          project: join(root, 'tsconfig.json'),
          baseUrl: root,
        }
      : null,
  };
  return new Worker(BOOT_SOURCE, {
    eval: true,
    workerData: { ...data, boot },
    transferList: options.transferList,
    resourceLimits: options.resourceLimits,
  });
}

/** How a worker ended without answering: the time limit, its heap limit, or a crash. */
export class WorkerFailure extends Error {
  constructor(
    readonly reason: 'timeout' | 'out-of-memory' | 'crashed',
    message: string,
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

/**
 * The worker's first message, or a WorkerFailure. The worker is terminated either way, so a file that hangs the
 * parser or fills the heap costs one thread for at most `timeoutMs`, never the process.
 */
export function firstReply<T>(worker: Worker, timeoutMs: number, label: string): Promise<T> {
  const reply = new Promise<T>((resolvePromise, reject) => {
    worker.once('message', (message: T) => resolvePromise(message));
    worker.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new WorkerFailure('out-of-memory', `${label} ran out of its memory limit`)
          : new WorkerFailure('crashed', `${label} failed: ${err.message}`),
      ),
    );
    worker.once('exit', (code) => reject(new WorkerFailure('crashed', `${label} exited with code ${code}`)));
  });
  return withDeadline(reply, timeoutMs, (): never => {
    throw new WorkerFailure('timeout', `${label} exceeded ${timeoutMs} ms`);
  }).finally(() => void worker.terminate());
}
