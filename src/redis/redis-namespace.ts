import type Redis from 'ioredis';

/**
 * The shared client carries the deployment's namespace (REDIS_KEY_PREFIX) as its ioredis `keyPrefix`, which ioredis
 * adds to every key argument, Lua script KEYS included. What it does not reach reads the namespace from the client,
 * so there is one source: pub/sub channels (not keys), SCAN/KEYS patterns and BullMQ (which refuses `keyPrefix`).
 */
export function redisNamespace(redis: Redis): string {
  return redis.options.keyPrefix ?? '';
}

/**
 * Keys matching `pattern` within the client's namespace, in batches, without the namespace: SCAN's MATCH is not
 * prefixed by ioredis and its replies are full key names, which any command taking them would prefix a second time.
 */
export async function* scanKeys(redis: Redis, pattern: string, count = 500): AsyncGenerator<string[]> {
  const namespace = redisNamespace(redis);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', namespace + pattern, 'COUNT', count);
    cursor = next;
    if (keys.length) yield keys.map((key) => key.slice(namespace.length));
  } while (cursor !== '0');
}
