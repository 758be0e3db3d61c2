import { createHash } from 'node:crypto';

import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';

import { SecretCipher } from 'src/common/crypto/secret-cipher';
import { BuiltinCrmAdapterFactory } from 'src/crm/adapters/builtin.crm-adapter.factory';
import { HubspotCrmAdapterFactory } from 'src/crm/adapters/hubspot.crm-adapter.factory';
import { SalesforceCrmAdapterFactory } from 'src/crm/adapters/salesforce.crm-adapter.factory';
import { WebhookCrmAdapterFactory } from 'src/crm/adapters/webhook.crm-adapter.factory';
import { CrmAdapterFactory } from 'src/crm/crm-adapter.factory';
import { CrmAdapter, CrmType } from 'src/crm/crm-adapter.port';
import { CrmConfigRepository } from 'src/crm/crm-config.repository';
import type { CrmCredentials, ResolvedCrmConfig } from 'src/crm/crm-config.types';
import type { CrmConfigEntity } from 'src/crm/entities/crm-config.entity';

/**
 * Picks each tenant's adapter at call time from its stored configuration. Adapters are cached per tenant under a
 * hash of type + encrypted credentials + mapping + options, so a changed configuration (on any instance) yields a
 * fresh adapter and the old one is disposed; credentials are decrypted only when an adapter is built.
 */
@Injectable()
export class CrmAdapterRegistry implements OnModuleDestroy {
  private readonly logger = new Logger('CrmAdapterRegistry');
  private readonly factories = new Map<CrmType, CrmAdapterFactory>();
  private readonly cache = new Map<string, { hash: string; adapter: CrmAdapter }>();

  constructor(
    private readonly configs: CrmConfigRepository,
    private readonly cipher: SecretCipher,
    builtin: BuiltinCrmAdapterFactory,
    hubspot: HubspotCrmAdapterFactory,
    webhook: WebhookCrmAdapterFactory,
    salesforce: SalesforceCrmAdapterFactory,
  ) {
    for (const f of [builtin, hubspot, webhook, salesforce]) this.factories.set(f.type, f);
  }

  factory(type: CrmType): CrmAdapterFactory {
    const f = this.factories.get(type);
    if (!f) throw new Error(`No CRM adapter factory registered for "${type}"`);
    return f;
  }

  async forTenant(businessId: string): Promise<CrmAdapter> {
    return this.fromRow(businessId, await this.configs.find(businessId));
  }

  /** Builds (or reuses) the adapter for a stored row; a tenant without a row gets the builtin CRM. */
  fromRow(businessId: string, row: CrmConfigEntity | null): CrmAdapter {
    const type: CrmType = row?.type ?? 'builtin';
    const hash = createHash('sha256')
      .update(JSON.stringify([type, row?.credentialsEncrypted ?? null, row?.fieldMapping ?? {}, row?.options ?? {}]))
      .digest('base64url');
    const hit = this.cache.get(businessId);
    if (hit?.hash === hash) return hit.adapter;
    const adapter = this.factory(type).create(this.resolve(businessId, row));
    this.cache.set(businessId, { hash, adapter });
    if (hit) this.disposeQuietly(businessId, hit.adapter);
    return adapter;
  }

  /** Builds a throwaway adapter (e.g. to test a configuration), not cached. */
  build(config: ResolvedCrmConfig): CrmAdapter {
    return this.factory(config.type).create(config);
  }

  evict(businessId: string): void {
    const hit = this.cache.get(businessId);
    this.cache.delete(businessId);
    if (hit) this.disposeQuietly(businessId, hit.adapter);
  }

  async onModuleDestroy(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    await Promise.allSettled(all.map((e) => e.adapter.dispose()));
  }

  decryptCredentials(businessId: string, blob: string | null): CrmCredentials {
    return blob ? (JSON.parse(this.cipher.decrypt(businessId, blob)) as CrmCredentials) : {};
  }

  private resolve(businessId: string, row: CrmConfigEntity | null): ResolvedCrmConfig {
    if (!row) return { businessId, type: 'builtin', credentials: {}, fieldMapping: {}, options: {} };
    return {
      businessId,
      type: row.type,
      credentials: this.decryptCredentials(businessId, row.credentialsEncrypted),
      fieldMapping: row.fieldMapping ?? {},
      options: row.options ?? {},
    };
  }

  private disposeQuietly(businessId: string, adapter: CrmAdapter): void {
    adapter
      .dispose()
      .catch((err: Error) => this.logger.warn({ businessId, err: err.message }, 'CRM adapter dispose failed'));
  }
}
