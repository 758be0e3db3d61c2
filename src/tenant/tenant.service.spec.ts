import type { DataSource } from 'typeorm';

import type { SecretCipher } from 'src/common/crypto/secret-cipher';
import type { AppConfig } from 'src/config/app-config.service';
import type { PubSub } from 'src/redis/pub-sub.port';
import type { BusinessRepository } from 'src/tenant/business.repository';
import type { BusinessEntity } from 'src/tenant/entities/business.entity';
import { TenantService } from 'src/tenant/tenant.service';
import { TenantConfigCache } from 'src/tenant/tenant-config.cache';
import type { TenantLifecycle } from 'src/tenant/tenant-lifecycle';
import { businessFactory } from 'test/factories/business.factory';
import { strictMock } from 'test/support/strict-mock';

describe(TenantService.name, () => {
  describe('getCached', () => {
    it('hands every reader one frozen snapshot, so no reader can change the tenant for the others', async () => {
      const stored = {
        ...businessFactory.build({ businessId: 'acme', settings: { sessionTokens: 'on' } }),
        createdAt: new Date('2026-11-01T00:00:00Z'),
        updatedAt: new Date('2026-11-02T00:00:00Z'),
      } as unknown as BusinessEntity;
      const findById = jest.fn((businessId: string) => Promise.resolve(businessId === 'acme' ? stored : null));
      const sut = new TenantService(
        strictMock<DataSource>(),
        strictMock<BusinessRepository>({ findById }),
        new TenantConfigCache(strictMock<PubSub>()),
        strictMock<TenantLifecycle>(),
        strictMock<AppConfig>(),
        strictMock<SecretCipher>(),
      );

      const first = await sut.getCached('acme');
      expect(() => {
        (first.settings as { sessionTokens?: string }).sessionTokens = 'off';
      }).toThrow("Cannot assign to read only property 'sessionTokens'");
      expect(() => {
        (first.ctaTree.main_menu.children as string[]).push('pricing');
      }).toThrow('object is not extensible');
      expect(() => {
        (first as { systemPrompt: string | null }).systemPrompt = null;
      }).toThrow("Cannot assign to read only property 'systemPrompt'");

      const second = await sut.getCached('acme');
      expect(second).toBe(first);
      expect(second.settings).toEqual({ sessionTokens: 'on' });
      expect(second.ctaTree.main_menu.children).toEqual(['sales', 'support', 'book_appointment']);
      expect(second.systemPrompt).toBe(stored.systemPrompt);
      expect(findById.mock.calls).toEqual([['acme']]);
    });
  });
});
