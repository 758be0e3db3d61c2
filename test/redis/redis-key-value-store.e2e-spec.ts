import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

import { KeyValueStore } from 'src/redis/key-value-store.port';
import { RedisKeyValueStore } from 'src/redis/redis.key-value-store';
import { REDIS } from 'src/redis/redis-infra.module';
import { TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp } from 'test/support/test-app';

describe(RedisKeyValueStore.name, () => {
  const prefix = `kv-${randomBytes(4).toString('hex')}:`;
  let client: Redis;
  let raw: Redis;
  let sut: RedisKeyValueStore;

  beforeAll(() => {
    client = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    raw = new Redis(TEST_REDIS_URL);
    sut = new RedisKeyValueStore(client);
  });

  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    client.disconnect();
    raw.disconnect();
  });

  it('hands a stored value out once', async () => {
    await sut.set('voice-ticket:b1:CA1', 'secret', 120);

    expect(await sut.take('voice-ticket:b1:CA1')).toBe('secret');
    expect(await sut.take('voice-ticket:b1:CA1')).toBeNull();
  });

  it('reads a value without removing it', async () => {
    await sut.set('response-cache:b1:k', 'reply', 60);

    expect(await sut.get('response-cache:b1:k')).toBe('reply');
    expect(await sut.get('response-cache:b1:k')).toBe('reply');
    expect(await sut.get('response-cache:b1:missing')).toBeNull();
  });

  it('stores under the client namespace with the TTL asked for', async () => {
    await sut.set('voice-outcome:b1:CA2', 'completed', 300);

    expect(await raw.get(`${prefix}voice-outcome:b1:CA2`)).toBe('completed');
    const ttl = await raw.ttl(`${prefix}voice-outcome:b1:CA2`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('answers null once Redis has expired the value', async () => {
    await sut.set('voice-ticket:b1:CA3', 'secret', 120);
    await raw.pexpire(`${prefix}voice-ticket:b1:CA3`, 1);
    // Wait for Redis to report the key gone rather than for a fixed time.
    while ((await raw.exists(`${prefix}voice-ticket:b1:CA3`)) === 1) await new Promise((r) => setImmediate(r));

    expect(await sut.take('voice-ticket:b1:CA3')).toBeNull();
  });

  it('is the KeyValueStore the app binds when REDIS_URL is set, on the shared client', async () => {
    const t = await bootTestApp();
    const shared = t.app.get<Redis>(REDIS, { strict: false });
    try {
      const store = t.app.get(KeyValueStore, { strict: false });
      await store.set('kv-e2e:probe', 'v', 30);

      expect(store).toBeInstanceOf(RedisKeyValueStore);
      expect(await shared.get('kv-e2e:probe')).toBe('v');
      expect(await store.take('kv-e2e:probe')).toBe('v');
    } finally {
      await t.close();
      shared.disconnect();
    }
  });
});
