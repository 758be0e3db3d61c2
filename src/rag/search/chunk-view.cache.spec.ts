import { ChunkViewCache } from 'src/rag/search/chunk-view.cache';
import type { ChunkView, KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import { strictMock } from 'test/support/strict-mock';

const view = (id: number): ChunkView => ({
  id,
  documentId: 'doc-1',
  url: 'https://acme.example.com/hours',
  title: 'Hours',
  category: null,
  text: `Chunk ${id} text.`,
  chunkIndex: id,
  metadata: {},
});

describe(ChunkViewCache.name, () => {
  const v1 = { version: 1, id: 'version-row-1' };
  let served: Set<number>;
  let queries: number[][];
  let sut: ChunkViewCache;

  beforeEach(() => {
    served = new Set([1, 2, 3]);
    queries = [];
    const repo = strictMock<KbChunkRepository>({
      viewsInVersion: (_businessId: string, _version: number, ids: number[]) => {
        queries.push(ids);
        return Promise.resolve(ids.filter((id) => served.has(id)).map(view));
      },
    });
    sut = new ChunkViewCache(repo);
  });

  it('reads each chunk from Postgres once, then from memory', async () => {
    expect((await sut.inVersion('acme', v1, [1, 2])).map((v) => v.id)).toEqual([1, 2]);
    expect((await sut.inVersion('acme', v1, [2, 3, 1])).map((v) => v.id).sort()).toEqual([1, 2, 3]);
    expect(queries).toEqual([[1, 2], [3]]);
  });

  it('ranks a chunk by its title and body, with their content-term counts, the same object on every read', async () => {
    const [first] = await sut.inVersion('acme', v1, [1]);
    expect(first.searchText).toBe('Hours\nChunk 1 text.');
    expect(Object.fromEntries(first.terms.counts)).toEqual({ hour: 1, chunk: 1, '1': 1, text: 1 });
    expect(first.terms.length).toBe(4);
    const [again] = await sut.inVersion('acme', v1, [1]);
    expect(Object.is(again, first)).toBe(true);
  });

  it('leaves out ids the version does not serve, and asks again next time rather than remembering the absence', async () => {
    expect((await sut.inVersion('acme', v1, [1, 9])).map((v) => v.id)).toEqual([1]);
    await sut.inVersion('acme', v1, [9]);
    expect(queries).toEqual([[1, 9], [9]]);
  });

  it('keeps versions and tenants apart', async () => {
    await sut.inVersion('acme', v1, [1]);
    await sut.inVersion('acme', { version: 2, id: 'version-row-2' }, [1]);
    await sut.inVersion('other', v1, [1]);
    expect(queries).toEqual([[1], [1], [1]]);
  });

  describe('within its size budget', () => {
    // One view of this fixture weighs twice its 19 characters of text, 20 for each of its 4 content terms, its
    // 30-character URL, and 200.
    const ONE_VIEW = 2 * 'Hours\nChunk 1 text.'.length + 20 * 4 + 'https://acme.example.com/hours'.length + 200;

    it('evicts the least recently searched version whole', async () => {
      const small = new ChunkViewCache(
        strictMock<KbChunkRepository>({
          viewsInVersion: (_b: string, _v: number, ids: number[]) => {
            queries.push(ids);
            return Promise.resolve(ids.map(view));
          },
        }),
        2.5 * ONE_VIEW,
      );
      await small.inVersion('acme', v1, [1]);
      await small.inVersion('other', v1, [1]);
      await small.inVersion('acme', v1, [1]);
      await small.inVersion('third', v1, [1]);
      queries = [];

      await small.inVersion('acme', v1, [1]);
      await small.inVersion('other', v1, [1]);

      expect(queries).toEqual([[1]]);
    });

    it('starts a version over once it outgrows half the budget, still answering every read', async () => {
      served = new Set([1, 2, 3, 4, 5]);
      const small = new ChunkViewCache(
        strictMock<KbChunkRepository>({
          viewsInVersion: (_b: string, _v: number, ids: number[]) => {
            queries.push(ids);
            return Promise.resolve(ids.filter((id) => served.has(id)).map(view));
          },
        }),
        5 * ONE_VIEW,
      );
      await small.inVersion('acme', v1, [1, 2, 3]);
      await small.inVersion('acme', v1, [4]);
      queries = [];

      expect((await small.inVersion('acme', v1, [1, 4])).map((v) => v.id)).toEqual([4, 1]);
      expect(queries).toEqual([[1]]);
    });
  });
});
