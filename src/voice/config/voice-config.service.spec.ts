import type { DataSource } from 'typeorm';
import type { SecretCipher } from 'src/common/crypto/secret-cipher';
import type { TenantConfigCache } from 'src/tenant/tenant-config.cache';
import type { TenantService } from 'src/tenant/tenant.service';
import type { VoiceConfigRepository } from 'src/voice/config/voice-config.repository';
import { RUNTIME_CACHE_MAX, VoiceConfigService } from 'src/voice/config/voice-config.service';
import type { VoiceConfigEntity } from 'src/voice/entities/voice-config.entity';
import { strictMock } from 'test/support/strict-mock';

const stored = (businessId: string) =>
  ({
    businessId,
    enabled: true,
    twilioAuthTokenEnc: `enc:${businessId}`,
    voiceName: null,
    language: null,
    greeting: null,
    maxCallSeconds: null,
  }) as VoiceConfigEntity;

describe(VoiceConfigService.name, () => {
  let findConfig: jest.Mock<Promise<VoiceConfigEntity | null>, [string]>;
  let sut: VoiceConfigService;

  beforeEach(() => {
    findConfig = jest.fn((businessId: string) =>
      Promise.resolve(businessId.startsWith('ghost') ? null : stored(businessId)),
    );
    sut = new VoiceConfigService(
      strictMock<DataSource>(),
      strictMock<VoiceConfigRepository>({ findConfig }),
      strictMock<SecretCipher>({ decrypt: (_id: string, enc: string) => enc.replace('enc:', 'token:') }),
      strictMock<TenantService>(),
      strictMock<TenantConfigCache>(),
    );
  });

  describe('runtimeConfig', () => {
    it('reads a configured tenant once and serves it from memory after that', async () => {
      await expect(sut.runtimeConfig('acme')).resolves.toMatchObject({ businessId: 'acme', authToken: 'token:acme' });
      await expect(sut.runtimeConfig('acme')).resolves.toMatchObject({ authToken: 'token:acme' });
      expect(findConfig.mock.calls).toEqual([['acme']]);
    });

    it('remembers nothing about ids without a voice config, so made-up ids cannot grow the cache', async () => {
      await expect(sut.runtimeConfig('ghost-1')).resolves.toBeNull();
      await expect(sut.runtimeConfig('ghost-1')).resolves.toBeNull();
      expect(findConfig.mock.calls).toEqual([['ghost-1'], ['ghost-1']]);
    });

    it('keeps at most RUNTIME_CACHE_MAX tenants, dropping the least recently used', async () => {
      for (let i = 0; i <= RUNTIME_CACHE_MAX; i++) await sut.runtimeConfig(`tenant-${i}`);
      findConfig.mockClear();
      await sut.runtimeConfig(`tenant-${RUNTIME_CACHE_MAX}`);
      await sut.runtimeConfig('tenant-0');
      expect(findConfig.mock.calls).toEqual([['tenant-0']]);
    });
  });
});
