import { generateTenantKey } from 'src/access/api-key-secret';
import type { TenantApiKeyEntity } from 'src/access/entities/tenant-api-key.entity';
import type { TenantApiKeyRepository } from 'src/access/tenant-api-key.repository';
import { CachedTenantKey, TenantKeyCache } from 'src/access/tenant-key.cache';
import { TenantKeyPrincipalResolver } from 'src/access/tenant-key.principal-resolver';
import type { AdminKeyProvider } from 'src/common/auth/admin-key.provider';
import { PLATFORM_PRINCIPAL } from 'src/common/auth/admin-principal';
import { strictMock } from 'test/support/strict-mock';

const PLATFORM_KEY = 'platform-key-0123456789abcdef0123';

describe(TenantKeyPrincipalResolver.name, () => {
  function build(row: Partial<TenantApiKeyEntity> | null) {
    const keys = strictMock<TenantApiKeyRepository>({
      findByLookupIdForAuth: jest.fn().mockResolvedValue(row),
      touchLastUsed: jest.fn().mockResolvedValue(undefined),
    });
    // A pass-through cache: these tests are about the resolver's decisions, the cache has its own e2e proof.
    const cache = strictMock<TenantKeyCache>({
      get: (_id: string, load: () => Promise<CachedTenantKey | null>) => load(),
    });
    const sut = new TenantKeyPrincipalResolver(strictMock<AdminKeyProvider>({ value: PLATFORM_KEY }), keys, cache);
    return { sut, keys };
  }
  const made = generateTenantKey();
  const row = (over: Partial<TenantApiKeyEntity> = {}) => ({
    id: 'key-1',
    businessId: 'acme',
    role: 'editor' as const,
    lookupId: made.lookupId,
    secretSha256: made.secretSha256,
    revokedAt: null,
    ...over,
  });

  it('recognises the platform key without a database lookup', async () => {
    const { sut } = build(null);
    await expect(sut.resolve(PLATFORM_KEY)).resolves.toEqual(PLATFORM_PRINCIPAL);
  });

  it('resolves a tenant key to its tenant and role and records its use once a minute', async () => {
    const { sut, keys } = build(row());
    await expect(sut.resolve(made.key)).resolves.toEqual({
      kind: 'tenant',
      keyId: 'key-1',
      role: 'editor',
      businessId: 'acme',
    });
    await sut.resolve(made.key);
    expect(keys.findByLookupIdForAuth).toHaveBeenCalledWith(made.lookupId);
    expect(keys.touchLastUsed).toHaveBeenCalledTimes(1);
    expect(keys.touchLastUsed).toHaveBeenCalledWith('acme', 'key-1', 60);
  });

  it('refuses a right lookup id with a wrong secret', async () => {
    const { sut, keys } = build(row());
    const forged = `cpk_${made.lookupId}_${'A'.repeat(43)}`;
    await expect(sut.resolve(forged)).rejects.toMatchObject({
      code: 'AUTH.INVALID_KEY',
      message: 'Invalid admin API key',
    });
    expect(keys.touchLastUsed).not.toHaveBeenCalled();
  });

  it('refuses unknown and malformed keys alike', async () => {
    await expect(build(null).sut.resolve(made.key)).rejects.toMatchObject({ code: 'AUTH.INVALID_KEY' });
    await expect(build(row()).sut.resolve('not-a-key')).rejects.toMatchObject({ code: 'AUTH.INVALID_KEY' });
  });

  it('tells the holder of a revoked key that it was revoked', async () => {
    const { sut } = build(row({ revokedAt: new Date() }));
    await expect(sut.resolve(made.key)).rejects.toMatchObject({
      code: 'AUTH.INVALID_KEY',
      message: 'This API key has been revoked',
    });
  });
});
