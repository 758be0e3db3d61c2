import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CrmModule } from 'src/crm/crm.module';
import { HandoffController } from 'src/handoff/handoff.controller';
import { HandoffEntity } from 'src/handoff/handoff.entity';
import { HandoffRepository } from 'src/handoff/handoff.repository';
import { HandoffService } from 'src/handoff/handoff.service';
import { HandoffGate } from 'src/handoff/handoff-gate.port';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * Hand-off of a conversation to a person: the durable open/released record, the admin list and release, and the
 * signed webhook (delivered through the CRM outbox).
 */
@Module({
  imports: [TypeOrmModule.forFeature([HandoffEntity]), CrmModule, TenantModule],
  controllers: [HandoffController],
  providers: [HandoffRepository, HandoffService, { provide: HandoffGate, useExisting: HandoffService }],
  exports: [HandoffService, HandoffGate],
})
export class HandoffModule {}
