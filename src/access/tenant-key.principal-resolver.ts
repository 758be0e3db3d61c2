import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { parseTenantKey, sha256Hex } from 'src/access/api-key-secret';
import { TenantApiKeyRepository } from 'src/access/tenant-api-key.repository';
import { CachedTenantKey, TenantKeyCache } from 'src/access/tenant-key.cache';
import { AdminKeyProvider } from 'src/common/auth/admin-key.provider';
import { AdminPrincipal, AdminPrincipalResolver, PLATFORM_PRINCIPAL } from 'src/common/auth/admin-principal';
import { AuthErrors } from 'src/common/auth/auth.errors';
import { constantTimeEquals } from 'src/common/auth/constant-time';

/** last_used_at is a hint for spotting unused keys, so one write a minute per key and instance is plenty. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** The platform key opens everything; a `cpk_` key opens its own tenant with its role, until revoked. */
@Injectable()
export class TenantKeyPrincipalResolver extends AdminPrincipalResolver {
  private readonly logger = new Logger('AdminKeys');
  private readonly lastTouched = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    private readonly platformKey: AdminKeyProvider,
    private readonly keys: TenantApiKeyRepository,
    private readonly cache: TenantKeyCache,
  ) {
    super();
  }

  async resolve(presented: string): Promise<AdminPrincipal> {
    if (constantTimeEquals(presented, this.platformKey.value)) return PLATFORM_PRINCIPAL;
    const parsed = parseTenantKey(presented);
    if (!parsed) throw AuthErrors.invalidKey();
    const key = await this.cache.get(parsed.lookupId, () => this.load(parsed.lookupId));
    if (!key || !constantTimeEquals(sha256Hex(parsed.secret), key.secretSha256)) throw AuthErrors.invalidKey();
    // Only a holder of the secret learns that the key was revoked rather than never valid.
    if (key.revoked) throw AuthErrors.revokedKey();
    await this.noteUse(key);
    return { kind: 'tenant', keyId: key.keyId, role: key.role, businessId: key.businessId };
  }

  private async load(lookupId: string): Promise<CachedTenantKey | null> {
    const row = await this.keys.findByLookupIdForAuth(lookupId);
    if (!row) return null;
    return {
      keyId: row.id,
      businessId: row.businessId,
      role: row.role,
      secretSha256: row.secretSha256,
      revoked: row.revokedAt !== null,
    };
  }

  private async noteUse(key: CachedTenantKey): Promise<void> {
    const now = Date.now();
    const last = this.lastTouched.get(key.keyId);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_SECONDS * 1000) return;
    this.lastTouched.set(key.keyId, now);
    await this.keys.touchLastUsed(key.businessId, key.keyId, LAST_USED_RESOLUTION_SECONDS).catch((err: Error) => {
      this.logger.warn({ keyId: key.keyId, err: err.message }, 'could not record key use');
    });
  }
}
