import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

import type { TenantKeyRole } from 'src/common/auth/admin-principal';
import { TtlCache } from 'src/common/cache/ttl-cache';
import { PubSub, Unsubscribe } from 'src/redis/pub-sub.port';
import { TenantService } from 'src/tenant/tenant.service';

export const TENANT_KEY_REVOKED_CHANNEL = 'access:key-revoked';
/** Bounds staleness only if a revocation notice is ever missed (Redis down while revoking). */
const TTL_MS = 10_000;

export interface CachedTenantKey {
  keyId: string;
  businessId: string;
  role: TenantKeyRole;
  secretSha256: string;
  revoked: boolean;
}

/**
 * Per-instance cache of tenant keys by lookup id, so an admin request does not cost a key query. A revocation
 * evicts the key here and publishes its lookup id so every other instance evicts it at once; a tenant change
 * (including its deletion, which removes its keys) evicts that tenant's keys.
 */
@Injectable()
export class TenantKeyCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TenantKeyCache');
  private readonly entries = new TtlCache<string, CachedTenantKey>({ max: 10_000, ttlMs: TTL_MS });
  /** Bumped by every eviction: a load that started before one must not store what it read. */
  private epoch = 0;
  private unsubscribe?: Unsubscribe;

  constructor(
    private readonly pubsub: PubSub,
    private readonly tenants: TenantService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(TENANT_KEY_REVOKED_CHANNEL, (lookupId) => this.evict(lookupId));
    this.tenants.onChange((businessId) => this.evictTenant(businessId));
  }

  async onModuleDestroy(): Promise<void> {
    await this.unsubscribe?.();
  }

  async get(lookupId: string, load: () => Promise<CachedTenantKey | null>): Promise<CachedTenantKey | null> {
    const hit = this.entries.get(lookupId);
    if (hit) return hit;
    const epoch = this.epoch;
    const loaded = await load();
    if (loaded && epoch === this.epoch) this.entries.set(lookupId, loaded);
    return loaded;
  }

  async revoked(lookupId: string): Promise<void> {
    this.evict(lookupId);
    await this.pubsub.publish(TENANT_KEY_REVOKED_CHANNEL, lookupId).catch((err: Error) => {
      this.logger.warn({ err: err.message }, 'could not publish a key revocation; other instances catch up by TTL');
    });
  }

  private evict(lookupId: string): void {
    this.epoch++;
    this.entries.delete(lookupId);
  }

  private evictTenant(businessId: string): void {
    this.epoch++;
    this.entries.deleteWhere((key) => key.businessId === businessId);
  }
}
