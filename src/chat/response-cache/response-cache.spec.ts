import {
  NO_VARIANT,
  normalizeQuestion,
  ResponseCache,
  ResponseCacheKey,
  responseCacheKey,
} from 'src/chat/response-cache/response-cache';
import type { AppConfig } from 'src/config/app-config.service';
import type { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import { KeyValueStore } from 'src/redis/key-value-store.port';
import { LocalKeyValueStore } from 'src/redis/local.key-value-store';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { strictMock } from 'test/support/strict-mock';

const key = (patch: Partial<ResponseCacheKey> = {}): ResponseCacheKey => ({
  businessId: 'acme',
  question: 'What are your opening hours?',
  kbVersionId: 'kb-1',
  configVersion: 3,
  variant: NO_VARIANT,
  channel: 'chat',
  ...patch,
});
const reply = {
  text: 'We open at 9.',
  sources: [{ title: 'Hours', url: 'https://acme.test/hours', chunkId: 'c1' }],
  provider: 'gemini',
};
const business = { businessId: 'acme', version: 3 } as TenantConfig;

function build(
  options: { ttl?: number; store?: KeyValueStore; kbVersion?: () => Promise<string | null> } = {},
): ResponseCache {
  const config = strictMock<AppConfig>({ get: () => options.ttl ?? 60 });
  const knowledge = strictMock<KnowledgeRetriever>({
    activeVersionId: options.kbVersion ?? (() => Promise.resolve('kb-1')),
  });
  return new ResponseCache(options.store ?? new LocalKeyValueStore(), knowledge, config);
}

describe(normalizeQuestion.name, () => {
  it('ignores case, spacing, Unicode form and closing punctuation', () => {
    expect(normalizeQuestion('  What are your\tOPENING  hours?! ')).toBe('what are your opening hours');
    expect(normalizeQuestion('ｈｏｕｒｓ？')).toBe('hours');
  });

  it('keeps words, so different questions stay apart', () => {
    expect(normalizeQuestion('hours on sunday?')).not.toBe(normalizeQuestion('hours on monday?'));
  });
});

describe(responseCacheKey.name, () => {
  it('is the same for the same question written differently', () => {
    expect(responseCacheKey(key({ question: 'what are your opening hours' }))).toBe(responseCacheKey(key()));
  });

  it.each<[string, Partial<ResponseCacheKey>]>([
    ['knowledge-base version', { kbVersionId: 'kb-2' }],
    ['no knowledge base', { kbVersionId: null }],
    ['config version', { configVersion: 4 }],
    ['experiment variant', { variant: 'B' }],
    ['channel', { channel: 'voice' }],
    ['question', { question: 'Where are you?' }],
  ])('changes with the %s', (_what, patch) => {
    expect(responseCacheKey(key(patch))).not.toBe(responseCacheKey(key()));
  });

  it('is namespaced by tenant', () => {
    expect(responseCacheKey(key({ businessId: 'other' }))).toMatch(/^response-cache:other:/);
    expect(responseCacheKey(key({ businessId: 'other' }))).not.toBe(responseCacheKey(key()));
  });
});

describe(ResponseCache.name, () => {
  it('builds the key from the active knowledge-base version and the config version', async () => {
    await expect(build().keyFor(business, 'Hours?', 'chat')).resolves.toEqual({
      businessId: 'acme',
      question: 'Hours?',
      kbVersionId: 'kb-1',
      configVersion: 3,
      variant: NO_VARIANT,
      channel: 'chat',
    });
  });

  it('gives no key when the TTL is 0', async () => {
    await expect(build({ ttl: 0 }).keyFor(business, 'Hours?', 'chat')).resolves.toBeNull();
  });

  it('gives no key, and does not fail the turn, when the version cannot be read', async () => {
    const sut = build({ kbVersion: () => Promise.reject(new Error('db down')) });

    await expect(sut.keyFor(business, 'Hours?', 'chat')).resolves.toBeNull();
    expect(sut.snapshot().errors).toBe(1);
  });

  it('misses, then hits the stored reply, and counts both', async () => {
    const sut = build();

    await expect(sut.lookup(key())).resolves.toBeNull();
    await sut.save(key(), reply);
    await expect(sut.lookup(key({ question: 'what are your opening hours' }))).resolves.toEqual(reply);

    expect(sut.snapshot()).toEqual({ hits: 1, misses: 1, stores: 1, errors: 0 });
  });

  it('stores with the configured TTL', async () => {
    const store = new LocalKeyValueStore();
    const set = jest.spyOn(store, 'set');

    await build({ ttl: 42, store }).save(key(), reply);

    expect(set).toHaveBeenCalledWith(responseCacheKey(key()), JSON.stringify(reply), 42);
  });

  it('treats a malformed entry as a miss', async () => {
    const store = new LocalKeyValueStore();
    const sut = build({ store });
    await store.set(responseCacheKey(key()), '{"text": 5}', 60);
    await store.set(responseCacheKey(key({ question: 'other' })), 'not json', 60);

    await expect(sut.lookup(key())).resolves.toBeNull();
    await expect(sut.lookup(key({ question: 'other' }))).resolves.toBeNull();
    expect(sut.snapshot().misses).toBe(2);
  });

  it('counts a store failure as a miss and swallows write failures', async () => {
    const store = strictMock<KeyValueStore>({
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
    });
    const sut = build({ store });

    await expect(sut.lookup(key())).resolves.toBeNull();
    await expect(sut.save(key(), reply)).resolves.toBeUndefined();
    expect(sut.snapshot()).toEqual({ hits: 0, misses: 1, stores: 0, errors: 2 });
  });
});
