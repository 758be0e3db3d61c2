import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AccessErrors } from 'src/access/access.errors';
import { displayPrefix, generateTenantKey } from 'src/access/api-key-secret';
import { CreatedTenantKeyDto, CreateTenantKeyDto, TenantKeyDto } from 'src/access/dto/tenant-key.dto';
import { TenantApiKeyEntity } from 'src/access/entities/tenant-api-key.entity';
import { TenantApiKeyRepository } from 'src/access/tenant-api-key.repository';
import { TenantKeyCache } from 'src/access/tenant-key.cache';
import { TenantService } from 'src/tenant/tenant.service';

/** Enough for every person and integration of one business; a runaway script creating keys hits it. */
export const MAX_ACTIVE_KEYS_PER_TENANT = 100;

@Injectable()
export class TenantKeysService {
  private readonly logger = new Logger('TenantKeys');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantService,
    private readonly keys: TenantApiKeyRepository,
    private readonly cache: TenantKeyCache,
  ) {}

  /** The only time the key exists outside the caller's hands: it is returned here and stored hashed. */
  async create(businessId: string, dto: CreateTenantKeyDto): Promise<CreatedTenantKeyDto> {
    await this.tenants.get(businessId);
    const made = generateTenantKey();
    const row = await this.dataSource.transaction(async (em) => {
      await this.keys.lockTenantKeys(businessId, em);
      if ((await this.keys.countActive(businessId, em)) >= MAX_ACTIVE_KEYS_PER_TENANT)
        throw AccessErrors.tooManyKeys(MAX_ACTIVE_KEYS_PER_TENANT);
      return this.keys.insert(
        businessId,
        { name: dto.name, role: dto.role, lookupId: made.lookupId, secretSha256: made.secretSha256 },
        em,
      );
    });
    this.logger.log({ businessId, keyId: row.id, role: row.role }, 'tenant API key created');
    return { success: true, key: made.key, ...toTenantKeyDto(row) };
  }

  async list(businessId: string): Promise<TenantKeyDto[]> {
    await this.tenants.get(businessId);
    return (await this.keys.list(businessId)).map(toTenantKeyDto);
  }

  /** Effective at once here, and on other instances as soon as they receive the notice. */
  async revoke(businessId: string, keyId: string): Promise<TenantKeyDto> {
    await this.tenants.get(businessId);
    const row = await this.keys.revoke(businessId, keyId);
    if (!row) throw AccessErrors.keyNotFound(keyId);
    await this.cache.revoked(row.lookupId);
    this.logger.log({ businessId, keyId }, 'tenant API key revoked');
    return toTenantKeyDto(row);
  }
}

function toTenantKeyDto(row: TenantApiKeyEntity): TenantKeyDto {
  return {
    keyId: row.id,
    name: row.name,
    role: row.role,
    prefix: displayPrefix(row.lookupId),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
