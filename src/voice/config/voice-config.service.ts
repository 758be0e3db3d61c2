import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';

import { TtlCache } from 'src/common/cache/ttl-cache';
import { SecretCipher } from 'src/common/crypto/secret-cipher';
import { TenantService } from 'src/tenant/tenant.service';
import { VoiceConfigRepository } from 'src/voice/config/voice-config.repository';
import { PutVoiceConfigDto, VoiceConfigDto } from 'src/voice/dto/voice-config.dto';
import { VoiceConfigEntity } from 'src/voice/entities/voice-config.entity';
import { VoiceErrors } from 'src/voice/voice.errors';

/** What a call needs at run time; holds the decrypted token, so it never leaves the voice module. */
export interface VoiceRuntimeConfig {
  businessId: string;
  enabled: boolean;
  authToken: string;
  voiceName: string | null;
  language: string | null;
  greeting: string | null;
  maxCallSeconds: number | null;
}

const REDACTED = '********';
/** Bounds staleness if a change notice is missed; writes evict at once on every instance. */
const RUNTIME_TTL_MS = 30_000;
/** Tenants with voice whose runtime config one instance keeps; the least recently called beyond it are re-read. */
export const RUNTIME_CACHE_MAX = 5_000;

@Injectable()
export class VoiceConfigService implements OnModuleInit {
  private readonly logger = new Logger('VoiceConfigService');
  // Only configs that exist are kept: ids come from unauthenticated webhooks and streams, so remembering misses would
  // let made-up ids grow the cache (or, bounded, push real tenants out of it).
  private readonly runtime = new TtlCache<string, VoiceRuntimeConfig>({
    max: RUNTIME_CACHE_MAX,
    ttlMs: RUNTIME_TTL_MS,
  });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: VoiceConfigRepository,
    private readonly cipher: SecretCipher,
    private readonly tenants: TenantService,
  ) {}

  onModuleInit(): void {
    this.tenants.onChange((businessId) => this.runtime.delete(businessId));
  }

  async put(businessId: string, dto: PutVoiceConfigDto): Promise<VoiceConfigDto> {
    try {
      await this.dataSource.transaction(async (em) => {
        // The business's public `voiceEnabled` flag (shown by the widget) follows the phone configuration and commits
        // with it. First, so the business row is locked before the voice rows, the order tenant deletion takes them in.
        await this.tenants.setVoiceEnabled(businessId, dto.enabled, em);
        const existing = await this.repo.findConfig(businessId, em);
        if (!existing && !dto.twilioAuthToken) throw VoiceErrors.tokenRequired();
        const taken = await this.repo.numbersHeldByOthers(businessId, dto.phoneNumbers, em);
        if (taken.length) throw VoiceErrors.numberTaken(taken);
        await this.repo.saveConfig(
          businessId,
          {
            enabled: dto.enabled,
            twilioAuthTokenEnc: dto.twilioAuthToken
              ? this.cipher.encrypt(businessId, dto.twilioAuthToken)
              : existing!.twilioAuthTokenEnc,
            voiceName: dto.voiceName ?? null,
            language: dto.language ?? null,
            greeting: dto.greeting ?? null,
            maxCallSeconds: dto.maxCallSeconds ?? null,
          },
          em,
        );
        await this.repo.replaceNumbers(businessId, dto.phoneNumbers, em);
      });
    } catch (err) {
      // Two tenants claiming one number at the same moment: the primary key decides, the loser gets 409.
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') {
        throw VoiceErrors.numberTaken(dto.phoneNumbers);
      }
      throw err;
    }
    await this.tenants.changed(businessId);
    this.logger.log({ businessId, enabled: dto.enabled, numbers: dto.phoneNumbers.length }, 'voice config saved');
    return this.get(businessId);
  }

  async get(businessId: string): Promise<VoiceConfigDto> {
    await this.tenants.get(businessId);
    const config = await this.repo.findConfig(businessId);
    if (!config) throw VoiceErrors.notConfigured(businessId);
    return toDto(config, await this.repo.listNumbers(businessId));
  }

  /** Hot path for webhooks and streams; null when the tenant has no voice config. */
  async runtimeConfig(businessId: string): Promise<VoiceRuntimeConfig | null> {
    const hit = this.runtime.get(businessId);
    if (hit) return hit;
    const config = await this.repo.findConfig(businessId);
    if (!config) return null;
    const value: VoiceRuntimeConfig = {
      businessId,
      enabled: config.enabled,
      authToken: this.cipher.decrypt(businessId, config.twilioAuthTokenEnc),
      voiceName: config.voiceName,
      language: config.language,
      greeting: config.greeting,
      maxCallSeconds: config.maxCallSeconds,
    };
    this.runtime.set(businessId, value);
    return value;
  }

  tenantForNumber(phoneNumber: string): Promise<string | null> {
    return this.repo.findTenantByNumber(phoneNumber);
  }
}

function toDto(config: VoiceConfigEntity, phoneNumbers: string[]): VoiceConfigDto {
  return {
    businessId: config.businessId,
    enabled: config.enabled,
    phoneNumbers,
    twilioAuthToken: REDACTED,
    voiceName: config.voiceName,
    language: config.language,
    greeting: config.greeting,
    maxCallSeconds: config.maxCallSeconds,
    updatedAt: config.updatedAt.toISOString(),
  };
}
