import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CryptoModule } from 'src/common/crypto/crypto.module';
import { BuiltinCrmAdapterFactory } from 'src/crm/adapters/builtin.crm-adapter.factory';
import { CrmOutboundHttp } from 'src/crm/adapters/crm-outbound.http';
import { HubspotCrmAdapterFactory } from 'src/crm/adapters/hubspot.crm-adapter.factory';
import { SalesforceCrmAdapterFactory } from 'src/crm/adapters/salesforce.crm-adapter.factory';
import { WebhookCrmAdapterFactory } from 'src/crm/adapters/webhook.crm-adapter.factory';
import { CrmController } from 'src/crm/crm.controller';
import { CrmAdapterRegistry } from 'src/crm/crm-adapter.registry';
import { CrmConfigRepository } from 'src/crm/crm-config.repository';
import { CrmConfigService } from 'src/crm/crm-config.service';
import { CrmDryRun } from 'src/crm/crm-dry-run.service';
import { CrmRecordsRepository } from 'src/crm/crm-records.repository';
import { CrmRecordsService } from 'src/crm/crm-records.service';
import { CrmTools } from 'src/crm/crm-tools.port';
import { CrmToolsService } from 'src/crm/crm-tools.service';
import { CrmConfigEntity } from 'src/crm/entities/crm-config.entity';
import { CrmContactEntity } from 'src/crm/entities/crm-contact.entity';
import { CrmContactNoteEntity } from 'src/crm/entities/crm-contact-note.entity';
import { CrmDealEntity } from 'src/crm/entities/crm-deal.entity';
import { CrmOutboxItemEntity } from 'src/crm/entities/crm-outbox-item.entity';
import { HandoffWebhook } from 'src/crm/handoff-webhook.service';
import { CrmInboundService } from 'src/crm/inbound/crm-inbound.service';
import { CrmWebhooksController } from 'src/crm/inbound/crm-webhooks.controller';
import { CrmOutboxRepository } from 'src/crm/outbox/crm-outbox.repository';
import { CrmOutboxService } from 'src/crm/outbox/crm-outbox.service';
import { CrmOutboxWorker } from 'src/crm/outbox/crm-outbox.worker';
import { CrmWriteExecutor } from 'src/crm/outbox/crm-write.executor';
import { HandoffWebhookSender } from 'src/crm/outbox/handoff-webhook';
import { TenantModule } from 'src/tenant/tenant.module';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';

@Module({
  imports: [
    CryptoModule,
    TenantModule,
    TypeOrmModule.forFeature([
      CrmConfigEntity,
      CrmContactEntity,
      CrmContactNoteEntity,
      CrmDealEntity,
      CrmOutboxItemEntity,
    ]),
  ],
  controllers: [CrmController, CrmWebhooksController],
  providers: [
    CrmConfigRepository,
    CrmRecordsRepository,
    CrmOutboxRepository,
    BuiltinCrmAdapterFactory,
    HubspotCrmAdapterFactory,
    WebhookCrmAdapterFactory,
    CrmOutboundHttp,
    SalesforceCrmAdapterFactory,
    CrmAdapterRegistry,
    CrmConfigService,
    CrmRecordsService,
    CrmWriteExecutor,
    CrmOutboxService,
    CrmOutboxWorker,
    HandoffWebhookSender,
    HandoffWebhook,
    { provide: CrmTools, useExisting: CrmToolsService },
    CrmToolsService,
    CrmInboundService,
    CrmDryRun,
  ],
  // SecretCipher is re-exported for the voice module (Twilio credentials).
  exports: [CrmTools, CryptoModule, HandoffWebhook, CrmDryRun],
})
export class CrmModule implements OnModuleInit {
  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly registry: CrmAdapterRegistry,
  ) {}

  onModuleInit(): void {
    // Rows cascade with the tenant; only the cached adapter (and its sockets) must go.
    this.lifecycle.onDelete('crm', { afterCommit: (businessId) => Promise.resolve(this.registry.evict(businessId)) });
  }
}
