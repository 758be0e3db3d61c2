import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface TenantDeletionHook {
  /** Runs inside the deleting transaction: remove rows that foreign keys do not cascade. */
  inTransaction?(businessId: string, em: EntityManager): Promise<void>;
  /** Runs after commit: state outside Postgres (Redis keys, index files). Failures are logged, not fatal. */
  afterCommit?(businessId: string): Promise<void>;
}

/** Modules register their own clean-up so deleting a tenant removes everything that belongs to it. */
@Injectable()
export class TenantLifecycle {
  private readonly hooks = new Map<string, TenantDeletionHook>();

  onDelete(name: string, hook: TenantDeletionHook): void {
    this.hooks.set(name, hook);
  }

  deletionHooks(): [string, TenantDeletionHook][] {
    return [...this.hooks.entries()];
  }
}
