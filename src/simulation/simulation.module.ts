import { Module } from '@nestjs/common';

import { ChatEngineModule } from 'src/chat/chat-engine.module';
import { CrmModule } from 'src/crm/crm.module';
import { SimulationController } from 'src/simulation/simulation.controller';
import { SimulationService } from 'src/simulation/simulation.service';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * Try a conversation design before saving it: simulated conversations against the saved or a draft config (the chat
 * engine's own turn runner, with every write kept in memory or dry-run), and the business's conversation tests.
 */
@Module({
  imports: [TenantModule, ChatEngineModule, CrmModule],
  controllers: [SimulationController],
  providers: [SimulationService],
})
export class SimulationModule {}
