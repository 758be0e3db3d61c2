import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

import { TtlCache } from 'src/common/cache/ttl-cache';
import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';
import type { TenantConfig } from 'src/tenant/tenant-config';

export const TENANT_CHANGED_CHANNEL = 'tenant:changed';
const TTL_MS = 60_000;
/**
 * Unknown ids are remembered briefly so a flood of made-up ids costs one lookup each, not one per request and
 * guard. Bounded, because the ids are chosen by the caller; short, because a notice could in theory be missed.
 */
const MISS_TTL_MS = 10_000;
const MISS_MAX_ENTRIES = 10_000;
/** Past this many tenants on one instance the least recently served are re-read from Postgres when next needed. */
const MAX_ENTRIES = 50_000;

/**
 * Per-instance cache of tenant configs for the hot path. A change publishes the tenant id so every
 * instance drops its copy at once; the TTL only bounds staleness if a notice is ever missed.
 */
@Injectable()
export class TenantConfigCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TenantConfigCache');
  private readonly entries = new TtlCache<string, TenantConfig>({ ttlMs: TTL_MS, max: MAX_ENTRIES });
  private readonly misses = new TtlCache<string, true>({ ttlMs: MISS_TTL_MS, max: MISS_MAX_ENTRIES });
  private readonly listeners = new Set<(businessId: string) => void>();
  /** Bumped on every eviction, so a lookup that raced a change does not cache what it read before it. */
  private evictions = 0;
  private unsubscribe?: Unsubscribe;

  constructor(private readonly pubsub: PubSub) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(TENANT_CHANGED_CHANNEL, (id) => this.evict(id));
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  get(businessId: string): TenantConfig | undefined {
    return this.entries.get(businessId);
  }

  set(value: TenantConfig): void {
    this.entries.set(value.businessId, value);
  }

  /** Whether the id was recently looked up and not found (and nothing changed for it since). */
  isKnownMissing(businessId: string): boolean {
    return this.misses.has(businessId);
  }

  /** Marks an id as not found, unless some tenant changed after `generation` (taken before the lookup). */
  setMissing(businessId: string, generation: number): void {
    if (generation === this.evictions) this.misses.set(businessId, true);
  }

  /** Take before a lookup whose miss may be cached with setMissing. */
  generation(): number {
    return this.evictions;
  }

  /** Other modules (e.g. rate limits, voice routing) can react to tenant changes on every instance. */
  onChange(listener: (businessId: string) => void): void {
    this.listeners.add(listener);
  }

  async invalidate(businessId: string): Promise<void> {
    this.evict(businessId);
    await this.pubsub.publish(TENANT_CHANGED_CHANNEL, businessId).catch((err: Error) => {
      this.logger.warn(
        { businessId, err: err.message },
        'could not publish tenant change; other instances catch up by TTL',
      );
    });
  }

  private evict(businessId: string): void {
    this.evictions++;
    this.entries.delete(businessId);
    this.misses.delete(businessId);
    for (const l of this.listeners) l(businessId);
  }
}
