import { GroupCommit, GroupCommitOptions } from 'src/common/batching/group-commit';

interface Item {
  key: string;
  n: number;
}

/** A writer whose writes finish only when the test says so, recording every batch it was given. */
function controlledWriter() {
  const batches: Item[][] = [];
  const finishers: Array<(err?: Error) => void> = [];
  const writeMany = (items: Item[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      finishers.push((err) => (err ? reject(err) : resolve()));
    });
  return { batches, finishers, writeMany };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function build(overrides: Partial<GroupCommitOptions<Item>> & Pick<GroupCommitOptions<Item>, 'writeMany'>) {
  return new GroupCommit<Item>({ keyOf: (i) => i.key, maxBatch: 10, maxInFlight: 1, ...overrides });
}

describe(GroupCommit.name, () => {
  it('writes items added in the same event-loop turn as one batch', async () => {
    const writeMany = jest.fn((_items: Item[]) => Promise.resolve());
    const sut = build({ writeMany });
    await Promise.all([sut.add({ key: 'a', n: 1 }), sut.add({ key: 'b', n: 2 }), sut.add({ key: 'c', n: 3 })]);
    expect(writeMany.mock.calls.map(([items]) => items.map((i) => i.n))).toEqual([[1, 2, 3]]);
  });

  it('collects items that arrive while a write is in flight into the next batch', async () => {
    const w = controlledWriter();
    const sut = build({ writeMany: w.writeMany });
    const first = sut.add({ key: 'a', n: 1 });
    await nextTurn();
    const later = [sut.add({ key: 'b', n: 2 }), sut.add({ key: 'c', n: 3 })];
    await nextTurn();
    expect(w.batches).toHaveLength(1);
    w.finishers[0]();
    await first;
    await nextTurn();
    await nextTurn();
    expect(w.batches.map((b) => b.map((i) => i.n))).toEqual([[1], [2, 3]]);
    w.finishers[1]();
    await Promise.all(later);
  });

  it('never puts two items of one key in a batch, and keeps their order', async () => {
    const writeMany = jest.fn((_items: Item[]) => Promise.resolve());
    const sut = build({ writeMany, maxInFlight: 2 });
    await Promise.all([
      sut.add({ key: 'a', n: 1 }),
      sut.add({ key: 'a', n: 2 }),
      sut.add({ key: 'b', n: 3 }),
      sut.add({ key: 'a', n: 4 }),
    ]);
    expect(writeMany.mock.calls.map(([items]) => items.map((i) => i.n))).toEqual([[1, 3], [2], [4]]);
  });

  it('splits batches at maxBatch', async () => {
    const writeMany = jest.fn((_items: Item[]) => Promise.resolve());
    const sut = build({ writeMany, maxBatch: 2, maxInFlight: 3 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => sut.add({ key: `k${n}`, n })));
    expect(writeMany.mock.calls.map(([items]) => items.length)).toEqual([2, 2, 1]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const writeMany = jest.fn((items: Item[]) =>
      items.some((i) => i.n === 2) ? Promise.reject(new Error('bad row')) : Promise.resolve(),
    );
    const sut = build({ writeMany });
    const results = await Promise.allSettled([1, 2, 3].map((n) => sut.add({ key: `k${n}`, n })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad row'));
  });

  it('drain waits for queued and in-flight writes', async () => {
    const w = controlledWriter();
    const sut = build({ writeMany: w.writeMany });
    const added = sut.add({ key: 'a', n: 1 });
    let drained = false;
    const draining = sut.drain().then(() => (drained = true));
    await nextTurn();
    await nextTurn();
    expect(drained).toBe(false);
    w.finishers[0]();
    await Promise.all([added, draining]);
    expect(drained).toBe(true);
  });
});
