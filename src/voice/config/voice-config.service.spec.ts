import type { DataSource, EntityManager } from 'typeorm';

import type { SecretCipher } from 'src/common/crypto/secret-cipher';
import type { TenantService } from 'src/tenant/tenant.service';
import type { VoiceConfigRepository } from 'src/voice/config/voice-config.repository';
import { RUNTIME_CACHE_MAX, VoiceConfigService } from 'src/voice/config/voice-config.service';
import { PutVoiceConfigDto } from 'src/voice/dto/voice-config.dto';
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
    );
  });

  describe('put', () => {
    it("sets the business's voice flag inside the transaction that saves the phone configuration", async () => {
      const em = strictMock<EntityManager>();
      const calls: unknown[][] = [];
      const record =
        (name: string, result?: unknown) =>
        (...args: unknown[]) => {
          calls.push([name, ...args]);
          return Promise.resolve(result);
        };
      const saved = { ...stored('acme'), updatedAt: new Date('2026-11-30T00:00:00Z') } as VoiceConfigEntity;
      const transaction = (work: (manager: EntityManager) => Promise<void>) =>
        work(em).then(() => calls.push(['commit']));
      sut = new VoiceConfigService(
        strictMock<DataSource>({ transaction }),
        strictMock<VoiceConfigRepository>({
          findConfig: (_id: string, manager?: EntityManager) => Promise.resolve(manager ? null : saved),
          numbersHeldByOthers: record('numbersHeldByOthers', []),
          saveConfig: record('saveConfig'),
          replaceNumbers: record('replaceNumbers'),
          listNumbers: () => Promise.resolve(['+15550100']),
        }),
        strictMock<SecretCipher>({ encrypt: () => 'enc:acme' }),
        strictMock<TenantService>({
          setVoiceEnabled: record('setVoiceEnabled'),
          changed: record('changed'),
          get: () => Promise.resolve({ businessId: 'acme' }),
        }),
      );
      const dto = Object.assign(new PutVoiceConfigDto(), {
        enabled: true,
        phoneNumbers: ['+15550100'],
        twilioAuthToken: 'secret',
      });

      await expect(sut.put('acme', dto)).resolves.toMatchObject({ businessId: 'acme', enabled: true });

      expect(calls.map((c) => c[0])).toEqual([
        'setVoiceEnabled',
        'numbersHeldByOthers',
        'saveConfig',
        'replaceNumbers',
        'commit',
        'changed',
      ]);
      expect(calls[0].slice(0, 3)).toEqual(['setVoiceEnabled', 'acme', true]);
      // The transaction's own manager, not a fresh connection (compared by identity: the strict mock has no matchers).
      expect(calls[0][3] === em).toBe(true);
      expect(calls[5]).toEqual(['changed', 'acme']);
    });
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
