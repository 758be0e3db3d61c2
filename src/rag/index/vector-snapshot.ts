import type { VectorHit } from 'src/rag/vector-index.port';

/**
 * Multiply-adds one exact scan may take on the event loop: ~0.1 ms in V8. A sparse query (the local embedder's hashed
 * features: a few dozen non-zero dimensions) stays under it up to thousands of vectors; a dense 768-dimension query
 * (Gemini) only for indexes of about 170 vectors.
 */
export const SCAN_BUDGET = 131_072;

/** Largest index whose vectors are mirrored on the event loop's thread (~12 MB at 768 dimensions). */
export const SNAPSHOT_MAX_VECTORS = 4_096;

/** Non-zero dimensions of a query vector: what an exact scan's cost is proportional to. */
export function nonZeroDimensions(vector: Float32Array | number[]): number {
  let count = 0;
  for (let d = 0; d < vector.length; d++) if (vector[d] !== 0) count++;
  return count;
}

/** Whether an exact scan of `size` vectors with a query of `nonZero` dimensions fits in one event-loop turn. */
export function scanFits(nonZero: number, size: number): boolean {
  return size <= SNAPSHOT_MAX_VECTORS && nonZero * size <= SCAN_BUDGET;
}

/**
 * A copy of a small index's unit vectors, searched exactly on the calling thread. A search in the index worker costs
 * a round trip between threads that competes for the same cores as the turn; for a knowledge base of a few hundred
 * chunks the scan over the query's non-zero dimensions is far cheaper. The vectors are stored dimension-major
 * (`columns[d * size + i]`), so each non-zero query dimension adds one contiguous column to the scores.
 * Immutable: the index drops its snapshot on every mutation and takes a new one.
 */
export class VectorSnapshot {
  /** Scores of one search at a time (searches are synchronous, so never shared by two). */
  private readonly scores: Float64Array;
  /**
   * The heap of one search at a time, grown to the largest k asked. Typed arrays this size are allocated outside
   * V8's heap, at a cost of a few hundred nanoseconds each on Node 20.
   */
  private heap = new Uint32Array(0);

  constructor(
    readonly labels: Uint32Array,
    readonly columns: Float32Array,
    readonly dimension: number,
  ) {
    if (columns.length !== labels.length * dimension)
      throw new Error(`snapshot of ${labels.length} labels has ${columns.length} values, not × ${dimension}`);
    this.scores = new Float64Array(labels.length);
  }

  get size(): number {
    return this.labels.length;
  }

  get bytes(): number {
    return this.columns.byteLength + this.labels.byteLength + this.scores.byteLength + 4 * this.size;
  }

  /**
   * Top `k` by cosine similarity, best first (ties by label), as the worker's search answers; only `allowed` labels
   * when given. Null when the query has too many non-zero dimensions for a scan (the caller asks the worker instead).
   */
  search(query: Float32Array | number[], k: number, allowed?: ReadonlySet<number>): VectorHit[] | null {
    const size = this.size;
    const dims: number[] = [];
    let norm = 0;
    for (let d = 0; d < this.dimension; d++) {
      const value = query[d];
      if (value === 0) continue;
      dims.push(d);
      norm += value * value;
    }
    if (!scanFits(dims.length, size)) return null;
    const limit = Math.min(Math.max(0, Math.floor(k)), size);
    // A zero query has no direction: nothing is similar to it.
    if (limit === 0 || norm === 0) return [];
    const { scores, columns } = this;
    scores.fill(0);
    // Four columns a pass: each score is then loaded and stored once per four dimensions instead of once per
    // dimension, which halves the scan (micro-benchmark: 800 vectors, 90 dimensions, 90 → 45 µs).
    let j = 0;
    for (; j + 4 <= dims.length; j += 4) {
      const w0 = query[dims[j]];
      const w1 = query[dims[j + 1]];
      const w2 = query[dims[j + 2]];
      const w3 = query[dims[j + 3]];
      const b0 = dims[j] * size;
      const b1 = dims[j + 1] * size;
      const b2 = dims[j + 2] * size;
      const b3 = dims[j + 3] * size;
      for (let i = 0; i < size; i++)
        scores[i] += w0 * columns[b0 + i] + w1 * columns[b1 + i] + w2 * columns[b2 + i] + w3 * columns[b3 + i];
    }
    for (; j < dims.length; j++) {
      const weight = query[dims[j]];
      const base = dims[j] * size;
      for (let i = 0; i < size; i++) scores[i] += weight * columns[base + i];
    }
    return this.best(limit, 1 / Math.sqrt(norm), allowed);
  }

  /** The `limit` best positions through a min-heap of positions (worst kept at the root). */
  private best(limit: number, scale: number, allowed?: ReadonlySet<number>): VectorHit[] {
    const { scores, labels } = this;
    if (this.heap.length < limit) this.heap = new Uint32Array(limit);
    const heap = this.heap;
    let filled = 0;
    for (let i = 0; i < labels.length; i++) {
      if (allowed && !allowed.has(labels[i])) continue;
      if (filled < limit) {
        // Sift up: swaps by hand, as a destructuring swap allocates an array per step.
        let at = filled++;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          if (!worse(scores, labels, i, heap[parent])) break;
          heap[at] = heap[parent];
          at = parent;
        }
        heap[at] = i;
      } else if (worse(scores, labels, heap[0], i)) {
        let at = 0;
        for (;;) {
          const left = 2 * at + 1;
          if (left >= limit) break;
          const right = left + 1;
          const child = right < limit && worse(scores, labels, heap[right], heap[left]) ? right : left;
          if (!worse(scores, labels, heap[child], i)) break;
          heap[at] = heap[child];
          at = child;
        }
        heap[at] = i;
      }
    }
    const order = Array.from(heap.subarray(0, filled)).sort((a, b) =>
      worse(scores, labels, a, b) ? 1 : worse(scores, labels, b, a) ? -1 : 0,
    );
    return order.map((i) => ({ label: labels[i], score: scores[i] * scale }));
  }
}

/** Position a ranks below position b: a lower score, or the same score and a higher label (ties come out by label). */
function worse(scores: Float64Array, labels: Uint32Array, a: number, b: number): boolean {
  return scores[a] < scores[b] || (scores[a] === scores[b] && labels[a] > labels[b]);
}
