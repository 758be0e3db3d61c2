import type { IndexInfo, IndexSnapshot } from 'src/rag/index/hnsw-vector-index';
import type { UnusableReason } from 'src/rag/index/index-files';
import type { VectorIndexState } from 'src/rag/vector-index.port';

/** Where a tenant's files are: the indexes root and the business id (the worker derives the folder, as IndexFiles does). */
interface TenantFiles {
  root: string;
  businessId: string;
}

/**
 * Messages to the index worker. `handle` names one native index inside the worker; the owning thread allocates
 * handles, so a reply never has to carry one back. Vectors travel as one flat Float32Array per batch (transferred,
 * not copied) rather than as arrays of rows, which structured clone would copy element by element.
 */
export type IndexCommand =
  | ({ op: 'open'; handle: number; modelId: string; dimension: number; expected?: VectorIndexState } & TenantFiles)
  | { op: 'create'; handle: number; dimension: number }
  | { op: 'upsert'; handle: number; labels: Uint32Array; vectors: Float32Array }
  | { op: 'remove'; handle: number; labels: number[] }
  | ({ op: 'persist'; handle: number; modelId: string; state: VectorIndexState } & TenantFiles)
  | { op: 'search'; handle: number; vector: Float32Array; k: number; allowed?: Uint32Array }
  | { op: 'snapshot'; handle: number; maxVectors: number }
  | { op: 'free'; handle: number };

/**
 * Asks the worker to end itself between two native calls. Terminating the thread from outside could land inside
 * one (hnswlib reading a vector through N-API), and a native error thrown while the thread is being torn down
 * aborts the whole process (FATAL ERROR: Napi::Error::ThrowAsJavaScriptException), as a CI run saw mid-build.
 */
export const SHUTDOWN_MESSAGE = { op: 'shutdown' } as const;

export type OpenResult = { ok: true; info: IndexInfo; state: VectorIndexState } | { ok: false; reason: UnusableReason };

export interface SearchResult {
  labels: number[];
  distances: number[];
}

/** What each command answers. */
export interface IndexReplies {
  open: OpenResult;
  create: IndexInfo;
  upsert: IndexInfo;
  remove: IndexInfo;
  persist: IndexInfo;
  search: SearchResult;
  snapshot: IndexSnapshot | null;
  free: null;
}

export type IndexRequest = IndexCommand & { id: number };

export type IndexReply =
  | { id: number; ok: true; value: IndexReplies[keyof IndexReplies] }
  | { id: number; ok: false; code?: string; message: string };

/** The buffers a reply can hand over instead of copying: a snapshot's, which may be megabytes. */
export function replyTransferables(reply: IndexReply): ArrayBuffer[] {
  if (!reply.ok || !reply.value || typeof reply.value !== 'object' || !('columns' in reply.value)) return [];
  const { labels, columns } = reply.value;
  return [labels.buffer as ArrayBuffer, columns.buffer as ArrayBuffer];
}
