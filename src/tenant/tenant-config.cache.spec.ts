import type { PubSub } from 'src/redis/pub-sub.port';
import { TENANT_CHANGED_CHANNEL, TenantConfigCache } from 'src/tenant/tenant-config.cache';
import { strictMock } from 'test/support/strict-mock';

describe(TenantConfigCache.name, () => {
  let notify: (businessId: string) => void;
  let published: [string, string][];
  let sut: TenantConfigCache;

  beforeEach(async () => {
    published = [];
    sut = new TenantConfigCache(
      strictMock<PubSub>({
        subscribe: (_channel: string, handler: (id: string) => void) => {
          notify = handler;
          return Promise.resolve(() => Promise.resolve());
        },
        publish: (channel: string, message: string) => {
          published.push([channel, message]);
          return Promise.resolve();
        },
      }),
    );
    await sut.onModuleInit();
  });

  it('remembers an unknown id until the tenant is created here', async () => {
    sut.setMissing('late', sut.generation());
    expect(sut.isKnownMissing('late')).toBe(true);
    await sut.invalidate('late');
    expect(sut.isKnownMissing('late')).toBe(false);
    expect(published).toEqual([[TENANT_CHANGED_CHANNEL, 'late']]);
  });

  it('forgets an unknown id when another instance announces the tenant', () => {
    sut.setMissing('late', sut.generation());
    notify('late');
    expect(sut.isKnownMissing('late')).toBe(false);
  });

  it('does not remember a miss read before a tenant changed (the lookup may predate its creation)', () => {
    const generation = sut.generation();
    notify('late');
    sut.setMissing('late', generation);
    expect(sut.isKnownMissing('late')).toBe(false);
  });
});
