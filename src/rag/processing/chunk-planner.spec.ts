import { PlannedChunk, planSearchable } from 'src/rag/processing/chunk-planner';

const chunk = (
  chunkId: number,
  documentId: string,
  contentHash: string,
  documentOrder: number,
  chunkIndex = 0,
): PlannedChunk => ({
  chunkId,
  documentId,
  contentHash,
  documentOrder,
  chunkIndex,
});

describe(planSearchable.name, () => {
  it('serves the earliest copy of a duplicated chunk only', () => {
    const plan = planSearchable([chunk(2, 'b', 'same', 2), chunk(1, 'a', 'same', 1), chunk(3, 'b', 'own', 2, 1)]);
    expect([...plan.searchable].sort()).toEqual([1, 3]);
    expect(plan).toMatchObject({ duplicates: 1, boilerplate: 0 });
  });

  it('drops a chunk repeated on at least four documents as boilerplate, everywhere', () => {
    const chunks = ['a', 'b', 'c', 'd'].flatMap((doc, i) => [
      chunk(i * 10, doc, 'footer', i),
      chunk(i * 10 + 1, doc, `body-${doc}`, i, 1),
    ]);
    const plan = planSearchable(chunks);
    expect([...plan.searchable].sort((x, y) => x - y)).toEqual([1, 11, 21, 31]);
    expect(plan.boilerplate).toBe(4);
  });

  it('needs a larger share of documents on a large site before calling text boilerplate', () => {
    const docs = Array.from({ length: 200 }, (_, i) => chunk(i, `d${i}`, `own-${i}`, i));
    const repeated = Array.from({ length: 6 }, (_, i) => chunk(1000 + i, `d${i}`, 'shared-faq', i, 1));
    const plan = planSearchable([...docs, ...repeated]);
    expect(plan.boilerplate).toBe(0);
    expect(plan.duplicates).toBe(5);
    expect(plan.searchable.has(1000)).toBe(true);
  });
});
