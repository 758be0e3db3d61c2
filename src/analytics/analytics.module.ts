import { Module } from '@nestjs/common';

import { AnalyticsController } from 'src/analytics/analytics.controller';
import { AnalyticsRepository } from 'src/analytics/analytics.repository';
import { AnalyticsService } from 'src/analytics/analytics.service';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * What a business reads about its conversations: the sessions list and the dashboard. The events themselves are
 * still written by the session module, in the same statement as the turn's messages (one atomic round trip per turn
 * on the chat hot path); this module owns every read of them.
 */
@Module({
  imports: [TenantModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsRepository, AnalyticsService],
})
export class AnalyticsModule {}
