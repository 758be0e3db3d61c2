/**
 * Short-lived string values shared by every instance: Redis when REDIS_URL is set, in-process otherwise. Chosen
 * once by RedisInfraModule, so no consumer decides between the two. Keys are namespaced by purpose and tenant.
 */
export abstract class KeyValueStore {
  /** Stores `value` under `key`, replacing any previous one, for `ttlSeconds`. */
  abstract set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores `value` only when `key` holds nothing (or has expired); true when it was stored. */
  abstract setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** The value, left in place; `null` when absent or expired. */
  abstract get(key: string): Promise<string | null>;
  /** The value, removed in the same step, so it is handed out at most once; `null` when absent or expired. */
  abstract take(key: string): Promise<string | null>;
}
