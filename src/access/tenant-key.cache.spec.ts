import { CachedTenantKey, TENANT_KEY_REVOKED_CHANNEL, TenantKeyCache } from 'src/access/tenant-key.cache';
import { LocalPubSub } from 'src/redis/local.pub-sub';
import type { TenantService } from 'src/tenant/tenant.service';
import { strictMock } from 'test/support/strict-mock';

const key = (over: Partial<CachedTenantKey> = {}): CachedTenantKey => ({
  keyId: 'key-1',
  businessId: 'acme',
  role: 'editor',
  secretSha256: 'f'.repeat(64),
  revoked: false,
  ...over,
});

describe(TenantKeyCache.name, () => {
  async function build() {
    const pubsub = new LocalPubSub();
    let tenantChanged: (businessId: string) => void = () => undefined;
    const tenants = strictMock<TenantService>({ onChange: (l: (id: string) => void) => (tenantChanged = l) });
    const sut = new TenantKeyCache(pubsub, tenants);
    await sut.onModuleInit();
    return { sut, pubsub, tenantChanged: (id: string) => tenantChanged(id) };
  }

  it('loads a key once and serves it from memory after that', async () => {
    const { sut } = await build();
    const load = jest.fn().mockResolvedValue(key());
    await sut.get('lookup-1', load);
    await expect(sut.get('lookup-1', load)).resolves.toEqual(key());
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('drops a key when another instance announces its revocation', async () => {
    const { sut, pubsub } = await build();
    await sut.get('lookup-1', () => Promise.resolve(key()));
    const delivered = new Promise<void>(
      (resolve) => void pubsub.subscribe(TENANT_KEY_REVOKED_CHANNEL, () => resolve()),
    );
    await pubsub.publish(TENANT_KEY_REVOKED_CHANNEL, 'lookup-1');
    await delivered;
    await expect(sut.get('lookup-1', () => Promise.resolve(key({ revoked: true })))).resolves.toMatchObject({
      revoked: true,
    });
  });

  it('does not keep what a load read before a revocation that landed while it ran', async () => {
    const { sut } = await build();
    let finish!: (k: CachedTenantKey) => void;
    const inFlight = sut.get('lookup-1', () => new Promise((resolve) => (finish = resolve)));
    await sut.revoked('lookup-1');
    finish(key());
    await inFlight;
    await expect(sut.get('lookup-1', () => Promise.resolve(key({ revoked: true })))).resolves.toMatchObject({
      revoked: true,
    });
  });

  it('drops every key of a tenant that changed or was deleted, and only those', async () => {
    const { sut, tenantChanged } = await build();
    await sut.get('lookup-a', () => Promise.resolve(key({ businessId: 'acme' })));
    await sut.get('lookup-b', () => Promise.resolve(key({ businessId: 'other' })));
    tenantChanged('acme');
    const reload = jest.fn().mockResolvedValue(null);
    await expect(sut.get('lookup-a', reload)).resolves.toBeNull();
    await expect(sut.get('lookup-b', reload)).resolves.toMatchObject({ businessId: 'other' });
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
