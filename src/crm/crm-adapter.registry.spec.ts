import type { SecretCipher } from 'src/common/crypto/secret-cipher';
import type { BuiltinCrmAdapterFactory } from 'src/crm/adapters/builtin.crm-adapter.factory';
import type { HubspotCrmAdapterFactory } from 'src/crm/adapters/hubspot.crm-adapter.factory';
import type { SalesforceCrmAdapterFactory } from 'src/crm/adapters/salesforce.crm-adapter.factory';
import type { WebhookCrmAdapterFactory } from 'src/crm/adapters/webhook.crm-adapter.factory';
import { CrmAdapter } from 'src/crm/crm-adapter.port';
import { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import type { CrmConfigRepository } from 'src/crm/crm-config.repository';
import type { ResolvedCrmConfig } from 'src/crm/crm-config.types';
import type { CrmConfigEntity } from 'src/crm/entities/crm-config.entity';
import { strictMock } from 'test/support/strict-mock';

const fakeAdapter = (config: ResolvedCrmConfig) =>
  Object.assign(Object.create(CrmAdapter.prototype) as CrmAdapter, {
    type: config.type,
    config,
    dispose: jest.fn().mockResolvedValue(undefined),
  });

const factory = <T extends object>(type: string) =>
  strictMock<T>({ type, create: jest.fn((c: ResolvedCrmConfig) => fakeAdapter(c)) } as Partial<
    Record<keyof T, unknown>
  >);

const row = (blob: string, mapping = {}) =>
  ({
    businessId: 'acme',
    type: 'hubspot',
    credentialsEncrypted: blob,
    fieldMapping: mapping,
    options: {},
  }) as unknown as CrmConfigEntity;

describe(CrmAdapterRegistry.name, () => {
  function build() {
    const cipher = strictMock<SecretCipher>({
      decrypt: jest.fn((_b: string, blob: string) => JSON.stringify({ accessToken: `token-of-${blob}` })),
    });
    const hubspot = factory<HubspotCrmAdapterFactory>('hubspot');
    const builtin = factory<BuiltinCrmAdapterFactory>('builtin');
    const sut = new CrmAdapterRegistry(
      strictMock<CrmConfigRepository>(),
      cipher,
      builtin,
      hubspot,
      factory<WebhookCrmAdapterFactory>('webhook'),
      factory<SalesforceCrmAdapterFactory>('salesforce'),
    );
    return { sut, cipher, hubspot, builtin };
  }

  it('gives a tenant without a CRM connection the builtin adapter, without decrypting anything', () => {
    const { sut, builtin } = build();
    expect(sut.fromRow('acme', null).type).toBe('builtin');
    expect(builtin.create).toHaveBeenCalledWith({
      businessId: 'acme',
      type: 'builtin',
      credentials: {},
      fieldMapping: {},
      options: {},
    });
  });

  it('reuses the adapter while the configuration is unchanged and decrypts only once', () => {
    const { sut, cipher, hubspot } = build();
    const a = sut.fromRow('acme', row('blob-1'));
    const b = sut.fromRow('acme', row('blob-1'));
    expect(b).toBe(a);
    expect(hubspot.create).toHaveBeenCalledTimes(1);
    expect(cipher.decrypt).toHaveBeenCalledTimes(1);
  });

  it('builds a new adapter and disposes the old one when credentials or mapping change', () => {
    const { sut } = build();
    const first = sut.fromRow('acme', row('blob-1'));
    const second = sut.fromRow('acme', row('blob-2'));
    expect(second).not.toBe(first);
    expect(first.dispose).toHaveBeenCalledTimes(1);
    const third = sut.fromRow('acme', row('blob-2', { fields: { email: 'work_email' } }));
    expect(third).not.toBe(second);
    expect(second.dispose).toHaveBeenCalledTimes(1);
  });

  it('keeps tenants apart: the same configuration yields one adapter per tenant, bound to its own id', () => {
    const { sut, cipher } = build();
    const a = sut.fromRow('acme', row('blob-1')) as unknown as { config: ResolvedCrmConfig };
    const b = sut.fromRow('other', { ...row('blob-1'), businessId: 'other' } as CrmConfigEntity) as unknown as {
      config: ResolvedCrmConfig;
    };
    expect(b).not.toBe(a);
    expect(a.config.businessId).toBe('acme');
    expect(b.config.businessId).toBe('other');
    expect((cipher.decrypt as jest.Mock).mock.calls.map((c: unknown[]) => c[0])).toEqual(['acme', 'other']);
  });
});
