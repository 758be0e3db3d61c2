import { Module } from '@nestjs/common';

import { RulesService } from 'src/rules/rules.service';
import { TenantModule } from 'src/tenant/tenant.module';

/** Conversation rules and prompt profiles: validated with the business config, evaluated on every chat turn. */
@Module({
  imports: [TenantModule],
  providers: [RulesService],
  exports: [RulesService],
})
export class RulesModule {}
