import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';
import { redisNamespace } from 'src/redis/redis-namespace';

/**
 * A subscribed ioredis connection cannot run other commands, so subscriptions use a duplicate of the shared client.
 * Channels carry the client's namespace by hand: ioredis `keyPrefix` covers keys only, and pub/sub ignores the
 * database number, so without it every deployment on one Redis server would hear every other's notices.
 */
export class RedisPubSub extends PubSub implements OnApplicationShutdown {
  private readonly logger = new Logger('RedisPubSub');
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private readonly namespace: string;

  constructor(private readonly redis: Redis) {
    super();
    this.namespace = redisNamespace(redis);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.namespace + channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    const sub = this.connection();
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await sub.subscribe(this.namespace + channel);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await sub.unsubscribe(this.namespace + channel).catch(() => undefined);
      }
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    await sub?.quit().catch(() => sub.disconnect());
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    // Subscriber connections must not time out while idle-waiting for messages.
    const sub = this.redis.duplicate({
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      enableAutoPipelining: false,
    });
    sub.on('message', (namespaced: string, message: string) => {
      const channel = namespaced.slice(this.namespace.length);
      for (const h of this.handlers.get(channel) ?? []) {
        try {
          h(message);
        } catch (err) {
          this.logger.error({ channel, err }, 'pub/sub handler failed');
        }
      }
    });
    sub.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'redis subscriber error'));
    this.subscriber = sub;
    return sub;
  }
}
