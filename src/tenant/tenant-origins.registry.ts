import { Injectable, OnModuleInit } from '@nestjs/common';

import { BusinessRepository } from 'src/tenant/business.repository';
import { TenantConfigCache } from 'src/tenant/tenant-config.cache';

const TTL_MS = 30_000;

/**
 * Browser origins that tenants allow their widget on. CORS preflights carry no tenant id, so the union of all
 * tenants' origins is allowed at the HTTP layer; tenant data is still only reachable through tenant-scoped APIs.
 */
@Injectable()
export class TenantOriginsRegistry implements OnModuleInit {
  private origins?: Promise<Set<string>>;
  private loadedAt = 0;

  constructor(
    private readonly businesses: BusinessRepository,
    private readonly cache: TenantConfigCache,
  ) {}

  onModuleInit(): void {
    this.cache.onChange(() => (this.origins = undefined));
  }

  async isAllowed(origin: string): Promise<boolean> {
    if (!this.origins || Date.now() - this.loadedAt > TTL_MS) {
      this.loadedAt = Date.now();
      this.origins = this.businesses.listAllowedOriginsForCors().then((list) => new Set(list.map(normalizeOrigin)));
      this.origins.catch(() => (this.origins = undefined));
    }
    return (await this.origins).has(normalizeOrigin(origin));
  }
}

export function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}
