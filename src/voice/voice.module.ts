import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CryptoModule } from 'src/common/crypto/crypto.module';
import { ConversationModule } from 'src/conversation/conversation.module';
import { CrmModule } from 'src/crm/crm.module';
import { ExperimentsModule } from 'src/experiments/experiments.module';
import { GeminiModule } from 'src/gemini/gemini.module';
import { RagModule } from 'src/rag/rag.module';
import { SessionModule } from 'src/session/session.module';
import { TenantModule } from 'src/tenant/tenant.module';
import { UnderstandingModule } from 'src/understanding/understanding.module';
import { CallSessionFactory } from 'src/voice/call/call-session.factory';
import { CallTicketStore } from 'src/voice/call/call-ticket.store';
import { VoiceAdminController } from 'src/voice/config/voice-admin.controller';
import { VoiceConfigRepository } from 'src/voice/config/voice-config.repository';
import { VoiceConfigService } from 'src/voice/config/voice-config.service';
import { VoiceConfigEntity } from 'src/voice/entities/voice-config.entity';
import { VoiceNumberEntity } from 'src/voice/entities/voice-number.entity';
import { GeminiLiveConnector } from 'src/voice/live/gemini-live.connector';
import { LiveModelConnector } from 'src/voice/live/live-model.port';
import { MediaStreamGateway } from 'src/voice/twilio/media-stream.gateway';
import { VoiceWebhookController } from 'src/voice/twilio/voice-webhook.controller';
import { VoiceWebhookService } from 'src/voice/twilio/voice-webhook.service';
import { VoiceMetricsController } from 'src/voice/voice-metrics.controller';
import { VoiceMetrics } from 'src/voice/voice-metrics.service';

/** Phone calls: Twilio webhooks and media streams bridged to Gemini Live, per tenant. */
@Module({
  imports: [
    TypeOrmModule.forFeature([VoiceConfigEntity, VoiceNumberEntity]),
    TenantModule,
    CryptoModule,
    SessionModule,
    ConversationModule,
    CrmModule,
    RagModule,
    GeminiModule,
    UnderstandingModule,
    ExperimentsModule,
  ],
  controllers: [VoiceAdminController, VoiceWebhookController, VoiceMetricsController],
  providers: [
    VoiceConfigRepository,
    VoiceConfigService,
    CallTicketStore,
    VoiceWebhookService,
    VoiceMetrics,
    { provide: LiveModelConnector, useClass: GeminiLiveConnector },
    CallSessionFactory,
    MediaStreamGateway,
  ],
  exports: [VoiceMetrics],
})
export class VoiceModule {}
