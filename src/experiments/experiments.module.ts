import { Module } from '@nestjs/common';

import { ExperimentResultsRepository } from 'src/experiments/experiment-results.repository';
import { ExperimentsController } from 'src/experiments/experiments.controller';
import { ExperimentsService } from 'src/experiments/experiments.service';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * A/B experiments in the business config: validated and locked on save, assigned per session before chat and voice
 * turns run, and their results read from the analytics events.
 */
@Module({
  imports: [TenantModule],
  controllers: [ExperimentsController],
  providers: [ExperimentsService, ExperimentResultsRepository],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
