import type { Worker } from 'node:worker_threads';

import { Logger } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import {
  type IndexCommand,
  type IndexReplies,
  type IndexReply,
  SHUTDOWN_MESSAGE,
} from 'src/rag/index/index-worker.protocol';
import { spawnModuleWorker } from 'src/rag/parsing/worker-run';
import { RagSearchErrorCatalogue, RagSearchErrors } from 'src/rag/rag-search.errors';

/**
 * The JS heap of the worker holds only label sets and messages in flight; hnswlib's memory is native and bounded by
 * the registry's byte budget instead.
 */
const WORKER_HEAP_MB = 512;

/** How long `close` waits for the worker to reach its next message turn and end. */
const CLOSE_GRACE_MS = 10_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * Request/response over one index worker thread, spawned on first use. The worker is referenced only while a request
 * is outstanding, so an idle index never keeps a process (a CLI, a test) alive. When the worker dies, every pending
 * request fails and `onLost` listeners learn that all handles are gone; the next request starts a fresh worker.
 */
export class IndexWorkerClient {
  private readonly logger = new Logger('IndexWorker');
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextHandle = 1;
  private readonly lostListeners: Array<() => void> = [];
  private closing = false;

  constructor(private readonly closeGraceMs = CLOSE_GRACE_MS) {}

  /** A fresh handle for a native index; handles are never reused within one client. */
  allocateHandle(): number {
    return this.nextHandle++;
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  request<C extends IndexCommand>(command: C, transfer: ArrayBuffer[] = []): Promise<IndexReplies[C['op']]> {
    if (this.closing) return Promise.reject(RagSearchErrors.indexReleased());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<IndexReplies[C['op']]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...command, id }, transfer);
    });
  }

  /** Frees a handle nobody can reach any more, without starting a worker for it (a lost worker freed it already). */
  discard(handle: number): void {
    if (!this.worker || this.closing) return;
    this.request({ op: 'free', handle }).catch(() => undefined);
  }

  /**
   * Asks the worker to stop at its next message turn (see SHUTDOWN_MESSAGE) and waits for it to exit. A worker still
   * busy after the grace (one long native call, or starved of CPU at its low priority) is left to end by itself,
   * unreferenced, and never terminated: a thread terminated inside hnswlib's addPoint makes the addon's error throw
   * fatal for the whole process (FATAL napi_throw).
   */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      worker.unref();
      let gaveUp: NodeJS.Timeout | undefined;
      const exited = new Promise<boolean>((resolve) => worker.once('exit', () => resolve(true)));
      const grace = new Promise<boolean>((resolve) => (gaveUp = setTimeout(() => resolve(false), this.closeGraceMs)));
      worker.postMessage(SHUTDOWN_MESSAGE);
      if (!(await Promise.race([exited, grace])))
        this.logger.warn({ event: 'index_worker_slow_to_close', graceMs: this.closeGraceMs });
      clearTimeout(gaveUp);
    }
    this.failAll();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnModuleWorker(
      __dirname,
      'index.worker',
      {},
      {
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      },
    );
    worker.unref();
    worker.on('message', (reply: IndexReply) => this.settle(reply));
    worker.on('error', (err: Error) => this.lose(worker, err.message));
    worker.on('exit', (code) => this.lose(worker, `exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(reply: IndexReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(rebuildError(reply.code, reply.message));
  }

  private lose(worker: Worker, detail: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.logger.error({ event: 'index_worker_lost', detail, pending: this.pending.size });
    this.failAll();
    for (const listener of this.lostListeners) listener();
  }

  private failAll(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(RagSearchErrors.indexReleased());
  }
}

/** Errors cross the thread as code + message; the coded ones come back as the same AppError. */
function rebuildError(code: string | undefined, message: string): Error {
  const spec = Object.values(RagSearchErrorCatalogue).find((entry) => entry.code === code);
  return spec ? new AppError(spec, message) : new Error(message);
}
