import { Module } from '@nestjs/common';

import { AnalyticsController } from 'src/analytics/analytics.controller';
import { AnalyticsRepository } from 'src/analytics/analytics.repository';
import { AnalyticsService } from 'src/analytics/analytics.service';
import { AnalyticsExportRepository } from 'src/analytics/analytics-export.repository';
import { AnalyticsExportService } from 'src/analytics/analytics-export.service';
import { SessionModule } from 'src/session/session.module';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * What a business reads about its conversations: the sessions list, transcripts, the dashboard and exports. The events themselves are
 * still written by the session module, in the same statement as the turn's messages (one atomic round trip per turn
 * on the chat hot path); this module owns every read of them.
 */
@Module({
  imports: [TenantModule, SessionModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsRepository, AnalyticsService, AnalyticsExportRepository, AnalyticsExportService],
})
export class AnalyticsModule {}
