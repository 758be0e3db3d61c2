import { Module } from '@nestjs/common';

import { AnalyticsController } from 'src/analytics/analytics.controller';
import { AnalyticsRepository } from 'src/analytics/analytics.repository';
import { AnalyticsService } from 'src/analytics/analytics.service';
import { AnalyticsExportRepository } from 'src/analytics/analytics-export.repository';
import { AnalyticsExportService } from 'src/analytics/analytics-export.service';
import { RetentionRepository } from 'src/analytics/retention/retention.repository';
import { RetentionService } from 'src/analytics/retention/retention.service';
import { UnansweredRepository } from 'src/analytics/unanswered/unanswered.repository';
import { UnansweredService } from 'src/analytics/unanswered/unanswered.service';
import { UnansweredRecheckListener } from 'src/analytics/unanswered/unanswered-recheck.listener';
import { RagModule } from 'src/rag/rag.module';
import { SessionModule } from 'src/session/session.module';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * What a business reads about its conversations: the sessions list, transcripts, the dashboard, exports and the
 * unanswered questions (searched again in the knowledge base on a recheck, and after every knowledge-base change); and retention, which purges old events
 * and transcripts on worker instances. The events themselves are
 * still written by the session module, in the same statement as the turn's messages (one atomic round trip per turn
 * on the chat hot path); this module owns every read of them.
 */
@Module({
  imports: [TenantModule, SessionModule, RagModule],
  controllers: [AnalyticsController],
  providers: [
    AnalyticsRepository,
    AnalyticsService,
    AnalyticsExportRepository,
    AnalyticsExportService,
    UnansweredRepository,
    UnansweredService,
    UnansweredRecheckListener,
    RetentionRepository,
    RetentionService,
  ],
})
export class AnalyticsModule {}
