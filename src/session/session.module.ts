import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AnalyticsEventEntity } from 'src/session/entities/analytics-event.entity';
import { ConversationEntity } from 'src/session/entities/conversation.entity';
import { MessageEntity } from 'src/session/entities/message.entity';
import { SessionAdminController } from 'src/session/session-admin.controller';
import { SessionAdminService } from 'src/session/session-admin.service';
import { sessionStoreProvider } from 'src/session/session-store.provider';
import { SessionTenantCleanup } from 'src/session/session-tenant-cleanup';
import { SessionTokens } from 'src/session/session-tokens';
import { TranscriptRepository } from 'src/session/transcript.repository';
import { TranscriptService } from 'src/session/transcript.service';
import { TranscriptStore } from 'src/session/transcript-store.port';
import { TenantModule } from 'src/tenant/tenant.module';

/**
 * Session state (Redis or in-process), the durable transcript and visitor session tokens, shared by chat and voice,
 * and the admin endpoints that read and forget one session.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConversationEntity, MessageEntity, AnalyticsEventEntity]), TenantModule],
  controllers: [SessionAdminController],
  providers: [
    sessionStoreProvider,
    TranscriptRepository,
    TranscriptService,
    { provide: TranscriptStore, useExisting: TranscriptService },
    SessionTenantCleanup,
    SessionTokens,
    SessionAdminService,
  ],
  exports: [sessionStoreProvider, TranscriptService, TranscriptStore, SessionTokens],
})
export class SessionModule {}
