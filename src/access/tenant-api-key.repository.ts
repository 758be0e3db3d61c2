import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';

import { TenantApiKeyEntity } from 'src/access/entities/tenant-api-key.entity';
import type { TenantKeyRole } from 'src/common/auth/admin-principal';

export interface NewKeyColumns {
  name: string;
  role: TenantKeyRole;
  lookupId: string;
  secretSha256: string;
}

@Injectable()
export class TenantApiKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(TenantApiKeyEntity);
  }

  /** Serialises key creation per tenant so the active-key limit holds under concurrent requests. */
  async lockTenantKeys(businessId: string, em: EntityManager): Promise<void> {
    await em.query("SELECT pg_advisory_xact_lock(hashtext('tenant_api_keys:' || $1))", [businessId]);
  }

  countActive(businessId: string, em?: EntityManager): Promise<number> {
    return this.repo(em).count({ where: { businessId, revokedAt: IsNull() } });
  }

  insert(businessId: string, columns: NewKeyColumns, em?: EntityManager): Promise<TenantApiKeyEntity> {
    const repo = this.repo(em);
    return repo.save(repo.create({ businessId, ...columns }));
  }

  list(businessId: string): Promise<TenantApiKeyEntity[]> {
    return this.repo().find({ where: { businessId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Marks the key revoked (keeping the first revocation time) and returns it; null if the tenant has no such key. */
  async revoke(businessId: string, keyId: string): Promise<TenantApiKeyEntity | null> {
    await this.repo()
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'COALESCE(revoked_at, now())' })
      .where('business_id = :businessId AND id = :keyId', { businessId, keyId })
      .execute();
    return this.repo().findOne({ where: { businessId, id: keyId } });
  }

  /** Crosses tenants by design: a presented key names no tenant until it is found by its lookup id. */
  findByLookupIdForAuth(lookupId: string): Promise<TenantApiKeyEntity | null> {
    return this.repo().findOne({ where: { lookupId } });
  }

  /** Skips the write when another request or instance recorded a use within the last `withinSeconds`. */
  async touchLastUsed(businessId: string, keyId: string, withinSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE tenant_api_keys SET last_used_at = now()
       WHERE business_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $3))`,
      [businessId, keyId, withinSeconds],
    );
  }
}
