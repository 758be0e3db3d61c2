import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { AuthErrors } from 'src/common/auth/auth.errors';
import { allowsPrivateOutbound } from 'src/common/net/outbound-policy';
import { AppConfig } from 'src/config/app-config.service';
import { BusinessRepository } from 'src/tenant/business.repository';
import { ctaTreeProblems, normalizeCtaTree } from 'src/tenant/cta-tree';
import { UpsertBusinessDto } from 'src/tenant/dto/upsert-business.dto';
import { BusinessEntity } from 'src/tenant/entities/business.entity';
import { type HandoffConfig, validateHandoffConfig } from 'src/tenant/handoff-config';
import { isValidTimezone, type TenantIntent, validateIntents } from 'src/tenant/intents';
import { TenantErrors } from 'src/tenant/tenant.errors';
import { type TenantConfig, toTenantConfig } from 'src/tenant/tenant-config';
import { TenantConfigCache } from 'src/tenant/tenant-config.cache';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';

type Defaults = Pick<
  BusinessEntity,
  | 'widgetPosition'
  | 'defaultCountry'
  | 'ctaTree'
  | 'rules'
  | 'profiles'
  | 'flows'
  | 'intents'
  | 'timezone'
  | 'handoff'
  | 'experiments'
  | 'tests'
  | 'allowedOrigins'
  | 'settings'
>;
const DEFAULTS: Defaults = {
  widgetPosition: 'bottom-right',
  defaultCountry: 'US',
  ctaTree: {},
  rules: [],
  profiles: {},
  flows: [],
  intents: [],
  timezone: 'UTC',
  handoff: {},
  experiments: [],
  tests: [],
  allowedOrigins: [],
  settings: {},
};

export interface UpsertResult {
  business: BusinessEntity;
  created: boolean;
}

@Injectable()
export class TenantService {
  private readonly logger = new Logger('TenantService');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly businesses: BusinessRepository,
    private readonly cache: TenantConfigCache,
    private readonly lifecycle: TenantLifecycle,
    private readonly config: AppConfig,
  ) {}

  /**
   * Create, or partially update: absent keys are kept, `null`/`""` clear optional fields (non-null ones reset to
   * defaults). `mayCreate: false` (a business's own key) limits it to updating an existing business.
   */
  async upsert(dto: UpsertBusinessDto, { mayCreate = true }: { mayCreate?: boolean } = {}): Promise<UpsertResult> {
    this.checkPatch(dto);
    const result = await this.dataSource.transaction(async (em) => {
      const existing = await this.businesses.findByIdForUpdate(dto.businessId, em);
      if (!existing && !mayCreate) throw AuthErrors.insufficientRole('the platform key to create a business');
      if (!existing && !dto.businessName)
        throw TenantErrors.invalid('businessName is required when creating a business', [
          { path: 'businessName', message: 'businessName is required when creating a business' },
        ]);
      const target = existing ?? this.businesses.create({ businessId: dto.businessId, ...DEFAULTS }, em);
      const previous = existing ? toTenantConfig(existing) : null;
      applyPatch(target, dto);
      // Checked on the merged config: a rule may name a CTA or profile that this patch leaves untouched.
      const problems = this.lifecycle.validate(target as TenantConfig);
      if (problems.length) throw TenantErrors.invalidFields(problems);
      this.lifecycle.beforeSave(target, previous);
      const saved = await this.businesses.save(target, em);
      return { business: saved, created: !existing };
    });
    await this.cache.invalidate(dto.businessId);
    this.logger.log(
      { businessId: dto.businessId, version: result.business.version, created: result.created },
      'business saved',
    );
    return result;
  }

  /**
   * The config a save of `dto` would leave, checked exactly as a save checks it (400 TENANT.INVALID_CONFIG naming the
   * fields), without locking or writing anything: what a simulation runs a draft against.
   */
  async preview(dto: UpsertBusinessDto): Promise<TenantConfig> {
    this.checkPatch(dto);
    const draft = await this.businesses.findById(dto.businessId);
    if (!draft) throw TenantErrors.notFound(dto.businessId);
    applyPatch(draft, dto);
    const problems = this.lifecycle.validate(draft as TenantConfig);
    if (problems.length) throw TenantErrors.invalidFields(problems);
    return toTenantConfig(draft);
  }

  /** The checks of the patch alone, before it is applied (the merged config is checked by the lifecycle's validators). */
  private checkPatch(dto: UpsertBusinessDto): void {
    if (dto.ctaTree) {
      const problems = ctaTreeProblems(dto.ctaTree);
      if (problems.length) throw TenantErrors.invalid(problems.map((p) => p.message).join('; '), problems);
    }
    if (dto.intents) {
      const errors = validateIntents(dto.intents);
      if (errors.length) throw TenantErrors.invalid(errors.join('; '));
    }
    if (dto.timezone && !isValidTimezone(dto.timezone))
      throw TenantErrors.invalid(
        `timezone "${dto.timezone}" is not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)`,
      );
    if (dto.handoff) {
      const errors = validateHandoffConfig(dto.handoff, allowsPrivateOutbound(this.config));
      if (errors.length) throw TenantErrors.invalid(errors.join('; '));
    }
  }

  /** Fresh read (admin paths). Handed out read-only like the cached copy: the entity never leaves this module. */
  async get(businessId: string): Promise<TenantConfig> {
    const found = await this.businesses.findById(businessId);
    if (!found) throw TenantErrors.notFound(businessId);
    return toTenantConfig(found);
  }

  /** Hot-path read (chat, voice, widget): served from the per-instance cache, which also remembers misses briefly. */
  async getCached(businessId: string): Promise<TenantConfig> {
    const hit = this.cache.get(businessId);
    if (hit) return hit;
    if (this.cache.isKnownMissing(businessId)) throw TenantErrors.notFound(businessId);
    const generation = this.cache.generation();
    const found = await this.businesses.findById(businessId);
    if (!found) {
      this.cache.setMissing(businessId, generation);
      throw TenantErrors.notFound(businessId);
    }
    const config = toTenantConfig(found);
    this.cache.set(config);
    return config;
  }

  /**
   * Sets the public `voiceEnabled` flag inside the caller's transaction, so the flag commits or rolls back with the
   * phone configuration it describes. The row lock also serializes it with admin updates of the same business.
   * Call `changed` once the caller's transaction has committed.
   */
  async setVoiceEnabled(businessId: string, enabled: boolean, em: EntityManager): Promise<void> {
    const existing = await this.businesses.findByIdForUpdate(businessId, em);
    if (!existing) throw TenantErrors.notFound(businessId);
    if (existing.voiceEnabled === enabled) return;
    existing.voiceEnabled = enabled;
    await this.businesses.save(existing, em);
  }

  /** Drops the cached config on every instance after another module changed what belongs to this tenant. */
  changed(businessId: string): Promise<void> {
    return this.cache.invalidate(businessId);
  }

  /** Runs on every instance whenever a tenant's config changes, e.g. to drop a module's own per-tenant cache. */
  onChange(listener: (businessId: string) => void): void {
    this.cache.onChange(listener);
  }

  /** `onlyBusinessId` narrows the listing to one business (what a business's own key may see). */
  async list(
    limit: number,
    cursor?: string,
    onlyBusinessId?: string,
  ): Promise<{ items: BusinessEntity[]; total: number; nextCursor: string | null }> {
    if (onlyBusinessId !== undefined) {
      const own = await this.businesses.findById(onlyBusinessId);
      return {
        items: own && (cursor === undefined || own.businessId > cursor) ? [own] : [],
        total: own ? 1 : 0,
        nextCursor: null,
      };
    }
    const [items, total] = await Promise.all([
      this.businesses.listAllForAdmin(limit, cursor),
      this.businesses.countAllForAdmin(),
    ]);
    const nextCursor = items.length === limit ? items[items.length - 1].businessId : null;
    return { items, total, nextCursor };
  }

  /** Removes the tenant and, through cascading keys and registered hooks, everything it owns, in one transaction. */
  async delete(businessId: string): Promise<void> {
    const hooks = this.lifecycle.deletionHooks();
    await this.dataSource.transaction(async (em) => {
      const existing = await this.businesses.findByIdForUpdate(businessId, em);
      if (!existing) throw TenantErrors.notFound(businessId);
      for (const [, hook] of hooks) await hook.inTransaction?.(businessId, em);
      await this.businesses.delete(businessId, em);
    });
    await this.cache.invalidate(businessId);
    for (const [name, hook] of hooks) {
      await hook.afterCommit?.(businessId).catch((err: Error) => {
        this.logger.error({ businessId, hook: name, err: err.message }, 'tenant clean-up after delete failed');
      });
    }
    this.logger.log({ businessId }, 'business deleted');
  }
}

const NULLABLE_FIELDS = [
  'systemPrompt',
  'primaryGoal',
  'personality',
  'greetingMessage',
  'secondaryGreetingMessage',
  'privacyStatement',
  'themeColor',
  'websiteUrl',
  'contactEmail',
  'contactPhone',
  'chatbotButtonText',
  'businessLogo',
] as const;

function applyPatch(target: BusinessEntity, dto: UpsertBusinessDto): void {
  const cleared = (v: unknown) => v === null || v === '';
  if (dto.businessName !== undefined) target.businessName = dto.businessName;
  for (const key of NULLABLE_FIELDS) {
    const value = dto[key];
    if (value === undefined) continue;
    target[key] = cleared(value) ? null : (value as string);
  }
  if (dto.voiceEnabled !== undefined) target.voiceEnabled = dto.voiceEnabled;
  if (dto.widgetPosition !== undefined)
    target.widgetPosition = cleared(dto.widgetPosition) ? DEFAULTS.widgetPosition : dto.widgetPosition!;
  if (dto.defaultCountry !== undefined)
    target.defaultCountry = cleared(dto.defaultCountry) ? DEFAULTS.defaultCountry : dto.defaultCountry!;
  if (dto.ctaTree !== undefined) target.ctaTree = cleared(dto.ctaTree) ? {} : normalizeCtaTree(dto.ctaTree!);
  if (dto.rules !== undefined) target.rules = cleared(dto.rules) ? [] : dto.rules!;
  if (dto.flows !== undefined) target.flows = cleared(dto.flows) ? [] : dto.flows!;
  if (dto.profiles !== undefined) target.profiles = cleared(dto.profiles) ? {} : dto.profiles!;
  if (dto.intents !== undefined) target.intents = cleared(dto.intents) ? [] : (dto.intents as TenantIntent[]);
  if (dto.timezone !== undefined) target.timezone = cleared(dto.timezone) ? DEFAULTS.timezone : dto.timezone!;
  if (dto.handoff !== undefined) target.handoff = cleared(dto.handoff) ? {} : { ...(dto.handoff as HandoffConfig) };
  if (dto.experiments !== undefined) target.experiments = cleared(dto.experiments) ? [] : dto.experiments!;
  if (dto.tests !== undefined) target.tests = cleared(dto.tests) ? [] : dto.tests!;
  if (dto.allowedOrigins !== undefined) target.allowedOrigins = cleared(dto.allowedOrigins) ? [] : dto.allowedOrigins!;
  if (dto.settings !== undefined) target.settings = cleared(dto.settings) ? {} : { ...dto.settings };
}
