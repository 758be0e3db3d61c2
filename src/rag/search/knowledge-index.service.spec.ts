import { Logger } from '@nestjs/common';

import { RagSearchErrors } from 'src/rag/rag-search.errors';
import { KnowledgeIndexService } from 'src/rag/search/knowledge-index.service';
import type { ChunkEmbedder } from 'src/rag/storage/chunk-embedder';
import type { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import type { ActiveVersion, KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import type {
  OpenVectorIndexOptions,
  VectorIndex,
  VectorIndexRegistry,
  VectorIndexState,
} from 'src/rag/vector-index.port';
import type { PubSub } from 'src/redis/pub-sub.port';
import { strictMock } from 'test/support/strict-mock';

const MODEL = 'local-test';
const ACTIVE: ActiveVersion = { version: 3, id: 'v3-id' };

function fakeIndex(state: VectorIndexState): VectorIndex {
  return strictMock<VectorIndex>({ modelId: MODEL, dimension: 8, state, size: 2 });
}

describe(KnowledgeIndexService.name, () => {
  let ready: VectorIndex | null;
  let forTenant: jest.Mock<Promise<VectorIndex>, [string, OpenVectorIndexOptions]>;
  let activeReads: jest.Mock<Promise<ActiveVersion>, []>;
  let vectorPages: jest.Mock<Promise<Array<{ id: number; vector: Float32Array }>>, [string, number[], string]>;
  let sut: KnowledgeIndexService;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    ready = null;
    forTenant = jest.fn();
    activeReads = jest.fn(() => Promise.resolve(ACTIVE));
    vectorPages = jest.fn((_businessId: string, ids: number[], _model: string) =>
      Promise.resolve(ids.map((id) => ({ id, vector: new Float32Array(8) }))),
    );
    sut = new KnowledgeIndexService(
      strictMock<VectorIndexRegistry>({
        ready: () => ready,
        status: () => Promise.resolve(null),
        forTenant,
      }),
      strictMock<KbVersionRepository>({
        active: activeReads,
        searchableIds: () => Promise.resolve(Array.from({ length: 4500 }, (_, i) => i + 1)),
      }),
      strictMock<KbChunkRepository>({ vectors: vectorPages }),
      strictMock<ChunkEmbedder>({ modelId: MODEL, dimension: 8, ensure: () => Promise.resolve(0) }),
      strictMock<PubSub>(),
    );
  });

  afterEach(() => sut.beforeApplicationShutdown());

  it('answers null at once while the index is being rebuilt, starting one rebuild in the background', async () => {
    let finish!: (index: VectorIndex) => void;
    forTenant.mockReturnValue(new Promise((resolve) => (finish = resolve)));

    expect(sut.readyIndexFor('acme', ACTIVE)).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.readyIndexFor('acme', ACTIVE)).toBeNull();

    expect(forTenant).toHaveBeenCalledTimes(1);
    expect(forTenant.mock.calls[0][1].expected).toEqual({ kbVersion: 3, checksum: 'v3-id' });
    const built = fakeIndex({ kbVersion: 3, checksum: 'v3-id' });
    finish(built);
    ready = built;
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.readyIndexFor('acme', ACTIVE)).toBe(built);
  });

  it('does not serve a loaded index made for another version, and brings it to the active one', async () => {
    ready = fakeIndex({ kbVersion: 2, checksum: 'v2-id' });
    forTenant.mockResolvedValue(fakeIndex({ kbVersion: 3, checksum: 'v3-id' }));

    expect(sut.readyIndexFor('acme', ACTIVE)).toBeNull();
    await sut.beforeApplicationShutdown();
    expect(forTenant).toHaveBeenCalledTimes(1);
  });

  it('starts a single catch-up for a burst of searches on a cold tenant', async () => {
    forTenant.mockResolvedValue(fakeIndex({ kbVersion: 3, checksum: 'v3-id' }));

    for (let i = 0; i < 5; i++) expect(sut.readyIndexFor('acme', ACTIVE)).toBeNull();
    await sut.beforeApplicationShutdown();

    expect(activeReads).toHaveBeenCalledTimes(1);
    expect(forTenant).toHaveBeenCalledTimes(1);
  });

  it('streams a rebuild from Postgres in pages, and abandons it when the application shuts down', async () => {
    const pages: number[] = [];
    let shutdown: Promise<void> | undefined;
    forTenant.mockImplementation(async (_businessId, options) => {
      for await (const rows of options.loader()) {
        pages.push(rows.length);
        shutdown ??= sut.beforeApplicationShutdown();
      }
      return fakeIndex({ kbVersion: 3, checksum: 'v3-id' });
    });

    await expect(sut.indexFor('acme', ACTIVE)).rejects.toThrow(/abandoned/);

    expect(pages).toEqual([500]);
    // The page after the one being built is already being read when the rebuild is abandoned.
    expect(vectorPages.mock.calls.map(([, ids]) => ids.length)).toEqual([500, 500, 500]);
    await shutdown;
  });

  it('reads every page once and in order, the next one while the current one is being built', async () => {
    const seen: Array<{ first: number; size: number; readsStarted: number }> = [];
    forTenant.mockImplementation(async (_businessId, options) => {
      for await (const rows of options.loader())
        seen.push({ first: rows[0].label, size: rows.length, readsStarted: vectorPages.mock.calls.length });
      return fakeIndex({ kbVersion: 3, checksum: 'v3-id' });
    });

    await sut.indexFor('acme', ACTIVE);

    expect(seen.map((p) => p.first)).toEqual(Array.from({ length: 9 }, (_, i) => i * 500 + 1));
    expect(seen.reduce((n, p) => n + p.size, 0)).toBe(4500);
    expect(seen.slice(0, -1).every((p, i) => p.readsStarted === i + 2)).toBe(true);
    expect(vectorPages).toHaveBeenCalledTimes(9);
  });

  it('retries a sync once when the registry freed the index in the meantime', async () => {
    const current = fakeIndex({ kbVersion: 3, checksum: 'v3-id' });
    forTenant.mockRejectedValueOnce(RagSearchErrors.indexReleased()).mockResolvedValueOnce(current);

    await expect(sut.indexFor('acme', ACTIVE)).resolves.toBe(current);
    expect(forTenant).toHaveBeenCalledTimes(2);
  });
});
