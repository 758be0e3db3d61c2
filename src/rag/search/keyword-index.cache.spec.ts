import type { AppConfig } from 'src/config/app-config.service';
import { KB_VERSION_CHANNEL } from 'src/rag/knowledge-version.types';
import { KeywordIndexCache } from 'src/rag/search/keyword-index.cache';
import { expandQuery } from 'src/rag/search/query-expansion';
import type { KbChunkRepository, KeywordHit } from 'src/rag/storage/kb-chunk.repository';
import type { ActiveVersion, KbVersionRepository } from 'src/rag/storage/kb-version.repository';
import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';
import { strictMock } from 'test/support/strict-mock';

/** Delivers synchronously, so a test can assert right after publishing. */
class SyncPubSub extends PubSub {
  private readonly handlers = new Map<string, Array<(message: string) => void>>();

  publish(channel: string, message: string): Promise<void> {
    for (const handler of this.handlers.get(channel) ?? []) handler(message);
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    return Promise.resolve(() => {
      this.handlers.set(
        channel,
        (this.handlers.get(channel) ?? []).filter((h) => h !== handler),
      );
      return Promise.resolve();
    });
  }
}

const v1: ActiveVersion = { version: 1, id: 'version-row-1' };
const v2: ActiveVersion = { version: 2, id: 'version-row-2' };
const FROM_POSTGRES: KeywordHit[] = [{ id: 99, rank: 0.1 }];

/** Chunks of each version row: version 1 knows about warranties, version 2 about weekend openings. */
const CONTENT: Record<string, Array<{ id: number; title: string | null; text: string }>> = {
  1: [{ id: 1, title: 'Warranty', text: 'Every repair carries a two-year warranty.' }],
  2: [{ id: 2, title: 'Weekends', text: 'We now open on Saturdays and Sundays.' }],
};

describe(KeywordIndexCache.name, () => {
  let pubsub: SyncPubSub;
  let postgresQueries: number;
  let documentReads: number[];
  let active: ActiveVersion | null;
  let failReads: boolean;
  let served: number;
  /** When set, reads of chunk contents wait for it: a build still running. */
  let readGate: Promise<void> | null;

  const config = (mb: number, maxChunks = 1000) =>
    strictMock<AppConfig>({
      get: (key: string) => ({ KB_KEYWORD_INDEX_CACHE_MB: mb, KB_KEYWORD_INDEX_MAX_CHUNKS: maxChunks })[key],
    });

  const make = async (mb = 16, maxChunks = 1000, content = CONTENT) => {
    const chunks = strictMock<KbChunkRepository>({
      keywordSearch: () => {
        postgresQueries++;
        return Promise.resolve(FROM_POSTGRES);
      },
      servedCount: (_businessId: string, version: number) => Promise.resolve(served || content[version].length),
      keywordDocuments: (_businessId: string, version: number) => {
        documentReads.push(version);
        if (failReads) return Promise.reject(new Error('connection reset'));
        return (readGate ?? Promise.resolve()).then(() => content[version]);
      },
    });
    const versions = strictMock<KbVersionRepository>({ active: () => Promise.resolve(active) });
    const cache = new KeywordIndexCache(chunks, versions, pubsub, config(mb, maxChunks));
    await cache.onApplicationBootstrap();
    return cache;
  };

  const search = (cache: KeywordIndexCache, version: ActiveVersion, q: string, businessId = 'acme') =>
    cache.search(businessId, version, expandQuery(q), 10, {}, null);

  const notice = (businessId: string, version: number | null) =>
    pubsub.publish(KB_VERSION_CHANNEL, JSON.stringify({ businessId, version }));

  beforeEach(() => {
    pubsub = new SyncPubSub();
    postgresQueries = 0;
    documentReads = [];
    active = v1;
    failReads = false;
    served = 0;
    readGate = null;
  });

  it('answers from Postgres while the index builds, then from memory without querying Postgres', async () => {
    const sut = await make();
    expect(await search(sut, v1, 'warranty on a repair')).toEqual(FROM_POSTGRES);
    await sut.settled('acme');
    expect(sut.heldVersion('acme')).toBe(1);
    expect((await search(sut, v1, 'warranty on a repair')).map((h) => h.id)).toEqual([1]);
    expect((await search(sut, v1, 'how long is the warranty')).map((h) => h.id)).toEqual([1]);
    expect(postgresQueries).toBe(1);
    expect(documentReads).toEqual([1]);
  });

  it('starts one build however many turns arrive while it runs', async () => {
    const sut = await make();
    await Promise.all([search(sut, v1, 'warranty'), search(sut, v1, 'repair'), search(sut, v1, 'warranty')]);
    await sut.settled('acme');
    expect(documentReads).toEqual([1]);
  });

  it('applies the filtered subset to in-memory results', async () => {
    const sut = await make();
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    expect(await sut.search('acme', v1, expandQuery('warranty'), 10, { category: 'x' }, new Set([7]))).toEqual([]);
  });

  it('never serves an index built for another version: a new active version falls back and rebuilds', async () => {
    const sut = await make();
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    // The active-version cache moved on (e.g. a lost notice): the old index must not answer.
    expect(await search(sut, v2, 'weekend opening')).toEqual(FROM_POSTGRES);
    await sut.settled('acme');
    expect((await search(sut, v2, 'weekend opening')).map((h) => h.id)).toEqual([2]);
    expect(sut.heldVersion('acme')).toBe(2);
  });

  it('drops a tenant index on a version notice and rebuilds it for the new active version before the next turn', async () => {
    const sut = await make();
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    active = v2;
    await notice('acme', 2);
    expect(sut.heldVersion('acme')).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    await sut.settled('acme');
    expect(sut.heldVersion('acme')).toBe(2);
    expect(documentReads).toEqual([1, 2]);
  });

  it('drops without rebuilding when the tenant was deleted, and ignores tenants it does not serve', async () => {
    const sut = await make();
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    await notice('acme', null);
    await notice('other-tenant', 3);
    await pubsub.publish(KB_VERSION_CHANNEL, 'not json');
    await pubsub.publish(KB_VERSION_CHANNEL, JSON.stringify({ version: 1 }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.heldVersion('acme')).toBeNull();
    expect(documentReads).toEqual([1]);
  });

  it('discards a build that a version notice overtook', async () => {
    const sut = await make();
    let finishRead!: () => void;
    readGate = new Promise((resolve) => (finishRead = resolve));
    await search(sut, v1, 'warranty');
    // The tenant is deleted while its version 1 index is still being built: what that build made must not be kept.
    active = null;
    await notice('acme', null);
    finishRead();
    await sut.beforeApplicationShutdown();
    expect(documentReads).toEqual([1]);
    expect(sut.heldVersion('acme')).toBeNull();
  });

  it('keeps a tenant over the chunk cap on Postgres, checking the cap once per version', async () => {
    served = 5000;
    const sut = await make(16, 1000);
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    expect(sut.heldVersion('acme')).toBeNull();
    expect(postgresQueries).toBe(2);
    expect(documentReads).toEqual([]);
  });

  it('keeps keyword search in Postgres when the budget is 0', async () => {
    const sut = await make(0);
    await search(sut, v1, 'warranty');
    await search(sut, v1, 'warranty');
    await sut.settled('acme');
    expect(postgresQueries).toBe(2);
    expect(documentReads).toEqual([]);
  });

  it('falls back to Postgres when a build fails, and tries again on the next turn', async () => {
    const sut = await make();
    failReads = true;
    expect(await search(sut, v1, 'warranty')).toEqual(FROM_POSTGRES);
    await sut.settled('acme');
    failReads = false;
    expect(await search(sut, v1, 'warranty')).toEqual(FROM_POSTGRES);
    await sut.settled('acme');
    expect(sut.heldVersion('acme')).toBe(1);
    expect(documentReads).toEqual([1, 1]);
  });

  it('answers nothing without searchable words, without asking anyone', async () => {
    const sut = await make();
    expect(await search(sut, v1, 'is it the')).toEqual([]);
    expect(postgresQueries).toBe(0);
    expect(documentReads).toEqual([]);
  });

  describe('memory bound', () => {
    // About 1,500 distinct words: an index of several hundred kilobytes, so a 1 MB budget holds one, not two.
    const bulky = (id: number) => ({
      id,
      title: null,
      text: Array.from({ length: 1500 }, (_, i) => `w${id}x${i}`).join(' '),
    });

    it('evicts the least recently searched tenant past the byte budget', async () => {
      const sut = await make(1, 1000, { 1: [bulky(1)] } as typeof CONTENT);
      await search(sut, v1, 'w1x1', 'a');
      await sut.settled('a');
      expect(sut.heldVersion('a')).toBe(1);
      await search(sut, v1, 'w1x1', 'b');
      await sut.settled('b');
      expect(sut.heldVersion('b')).toBe(1);
      expect(sut.heldVersion('a')).toBeNull();
    });

    it('keeps a tenant whose index alone exceeds the budget on Postgres', async () => {
      const sut = await make(1, 1000, { 1: [bulky(1), bulky(2), bulky(3)] } as typeof CONTENT);
      await search(sut, v1, 'w1x1');
      await sut.settled('acme');
      await search(sut, v1, 'w1x1');
      await sut.settled('acme');
      expect(sut.heldVersion('acme')).toBeNull();
      expect(documentReads).toEqual([1]);
      expect(postgresQueries).toBe(2);
    });
  });

  it('stops taking notices on shutdown', async () => {
    const sut = await make();
    await search(sut, v1, 'warranty');
    await sut.beforeApplicationShutdown();
    expect(sut.heldVersion('acme')).toBe(1);
    await notice('acme', 2);
    expect(sut.heldVersion('acme')).toBe(1);
  });
});
