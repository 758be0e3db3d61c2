import { HierarchicalNSW } from 'hnswlib-node';

import { HNSW_PARAMS } from 'src/rag/index/hnsw-vector-index';
import { SCAN_BUDGET, scanFits, SNAPSHOT_MAX_VECTORS, VectorSnapshot } from 'src/rag/index/vector-snapshot';

const DIM = 64;

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sparse vectors like the local embedder's: a handful of hashed dimensions set, the rest zero. */
function sparseVectors(count: number, nonZero: number, seed: number): Float32Array[] {
  const random = randomSource(seed);
  return Array.from({ length: count }, () => {
    const vector = new Float32Array(DIM);
    for (let j = 0; j < nonZero; j++) vector[Math.floor(random() * DIM)] += random() - 0.3;
    return vector;
  });
}

const unit = (vector: Float32Array) => {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};

/** What the worker sends: unit vectors, dimension-major. */
function snapshotOf(labels: number[], vectors: Float32Array[]): VectorSnapshot {
  const columns = new Float32Array(labels.length * DIM);
  vectors.map(unit).forEach((vector, i) => vector.forEach((value, d) => (columns[d * labels.length + i] = value)));
  return new VectorSnapshot(Uint32Array.from(labels), columns, DIM);
}

function bruteForce(query: Float32Array, labels: number[], vectors: Float32Array[], k: number) {
  const q = unit(query);
  return labels
    .map((label, i) => ({ label, score: unit(vectors[i]).reduce((sum, value, d) => sum + value * q[d], 0) }))
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .slice(0, k);
}

describe(VectorSnapshot.name, () => {
  const vectors = sparseVectors(300, 6, 7);
  const labels = vectors.map((_, i) => 1000 + 3 * i);
  const sut = snapshotOf(labels, vectors);

  it('ranks exactly as a brute-force cosine search, best first, with cosine scores', () => {
    // From 1 to 11 non-zero dimensions: the scan adds four columns a pass and then the rest one by one.
    const queries = [1, 2, 3, 4, 5, 7, 8, 9, 11].flatMap((nonZero) => sparseVectors(3, nonZero, 11 + nonZero));
    // k alternates, so a search also reuses the heap of a larger one before it.
    queries.forEach((query, i) => {
      const k = i % 2 ? 5 : 25;
      const hits = sut.search(query, k)!;
      const expected = bruteForce(query, labels, vectors, k);

      expect(hits.map((hit) => hit.label)).toEqual(expected.map((hit) => hit.label));
      hits.forEach((hit, j) => expect(hit.score).toBeCloseTo(expected[j].score, 5));
    });
  });

  it("answers as the worker's hnswlib search does on a small index", () => {
    const native = new HierarchicalNSW('cosine', DIM);
    native.initIndex({ maxElements: vectors.length, m: HNSW_PARAMS.m, efConstruction: 200, randomSeed: 1 });
    native.setEf(vectors.length);
    vectors.forEach((vector, i) => native.addPoint(Array.from(vector), labels[i]));

    for (const query of sparseVectors(10, 4, 5)) {
      const hnsw = native.searchKnn(Array.from(query), 10);
      const hits = sut.search(query, 10)!;

      expect(hits.map((hit) => hit.label)).toEqual(hnsw.neighbors);
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(1 - hnsw.distances[i], 5));
    }
  });

  it('keeps to the allowed labels, and returns fewer than k when fewer are allowed', () => {
    const allowed = new Set([labels[3], labels[40], labels[299], 7]);

    const hits = sut.search(sparseVectors(1, 4, 3)[0], 10, allowed)!;

    expect(hits.map((hit) => hit.label).sort((a, b) => a - b)).toEqual([labels[3], labels[40], labels[299]]);
  });

  it('clamps k to the size and answers nothing for k = 0 or a zero query', () => {
    expect(sut.search(sparseVectors(1, 4, 3)[0], 1000)).toHaveLength(300);
    expect(sut.search(sparseVectors(1, 4, 3)[0], 0)).toEqual([]);
    expect(sut.search(new Float32Array(DIM), 5)).toEqual([]);
  });

  it('orders equal scores by label, as a stable answer needs', () => {
    const same = new Float32Array(DIM);
    same[1] = 1;
    const tied = snapshotOf([9, 4, 7], [same, same, same]);

    expect(tied.search(same, 3)!.map((hit) => hit.label)).toEqual([4, 7, 9]);
  });

  it('declines a query too dense for a scan of this size, so the caller asks the worker', () => {
    const dense = Float32Array.from({ length: DIM }, (_, d) => d + 1);
    const many = Math.ceil(SCAN_BUDGET / DIM) + 1;
    const large = snapshotOf(
      Array.from({ length: many }, (_, i) => i),
      sparseVectors(many, 3, 1),
    );

    expect(large.search(dense, 5)).toBeNull();
    expect(large.search(sparseVectors(1, 2, 9)[0], 5)).toHaveLength(5);
    expect(scanFits(DIM, many)).toBe(false);
    expect(scanFits(1, SNAPSHOT_MAX_VECTORS + 1)).toBe(false);
  });

  it('refuses columns that do not match its labels and dimension', () => {
    expect(() => new VectorSnapshot(Uint32Array.from([1, 2]), new Float32Array(DIM), DIM)).toThrow(/2 labels/);
  });
});
