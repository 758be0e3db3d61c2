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
  let sut: KnowledgeIndexService;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    ready = null;
    forTenant = jest.fn();
    sut = new KnowledgeIndexService(
      strictMock<VectorIndexRegistry>({
        ready: () => ready,
        status: () => Promise.resolve(null),
        forTenant,
      }),
      strictMock<KbVersionRepository>({ active: () => Promise.resolve(ACTIVE) }),
      strictMock<KbChunkRepository>(),
      strictMock<ChunkEmbedder>({ modelId: MODEL, dimension: 8 }),
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

  it('retries a sync once when the registry freed the index in the meantime', async () => {
    const current = fakeIndex({ kbVersion: 3, checksum: 'v3-id' });
    forTenant.mockRejectedValueOnce(RagSearchErrors.indexReleased()).mockResolvedValueOnce(current);

    await expect(sut.indexFor('acme', ACTIVE)).resolves.toBe(current);
    expect(forTenant).toHaveBeenCalledTimes(2);
  });
});
