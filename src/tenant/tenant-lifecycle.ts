import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import type { BusinessEntity } from 'src/tenant/entities/business.entity';
import type { TenantConfig } from 'src/tenant/tenant-config';

export interface TenantDeletionHook {
  /** Runs inside the deleting transaction: remove rows that foreign keys do not cascade. */
  inTransaction?(businessId: string, em: EntityManager): Promise<void>;
  /** Runs after commit: state outside Postgres (Redis keys, index files). Failures are logged, not fatal. */
  afterCommit?(businessId: string): Promise<void>;
}

/** One problem with a config being saved: the field it sits in (as the console names it) and what is wrong. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/**
 * Checks the whole config about to be saved (after the patch is applied), for parts another module owns the meaning
 * of (rules read the turn context, which lives in the understanding module). Empty when valid.
 */
export type TenantConfigValidator = (config: TenantConfig) => ConfigProblem[];

/**
 * Runs on a valid config about to be saved, with the stored one (null on create): may refuse a change that depends
 * on what was there before (throw a coded AppError), or fill in server-owned values (`startedAt`) in `next`.
 */
export type TenantSaveHook = (next: BusinessEntity, previous: TenantConfig | null) => void;

/**
 * Modules register their own clean-up so deleting a tenant removes everything that belongs to it, and their own
 * checks of the config parts they interpret, so a config they cannot run is refused before it is saved.
 */
@Injectable()
export class TenantLifecycle {
  private readonly hooks = new Map<string, TenantDeletionHook>();
  private readonly checks = new Map<string, TenantConfigValidator>();
  private readonly saveHooks = new Map<string, TenantSaveHook>();

  onValidate(name: string, validator: TenantConfigValidator): void {
    this.checks.set(name, validator);
  }

  validate(config: TenantConfig): ConfigProblem[] {
    return [...this.checks.values()].flatMap((check) => check(config));
  }

  onSave(name: string, hook: TenantSaveHook): void {
    this.saveHooks.set(name, hook);
  }

  beforeSave(next: BusinessEntity, previous: TenantConfig | null): void {
    for (const hook of this.saveHooks.values()) hook(next, previous);
  }

  onDelete(name: string, hook: TenantDeletionHook): void {
    this.hooks.set(name, hook);
  }

  deletionHooks(): [string, TenantDeletionHook][] {
    return [...this.hooks.entries()];
  }
}
