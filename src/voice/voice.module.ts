import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CryptoModule } from 'src/common/crypto/crypto.module';
import { TenantModule } from 'src/tenant/tenant.module';
import { CallTicketStore } from 'src/voice/call/call-ticket.store';
import { VoiceAdminController } from 'src/voice/config/voice-admin.controller';
import { VoiceConfigRepository } from 'src/voice/config/voice-config.repository';
import { VoiceConfigService } from 'src/voice/config/voice-config.service';
import { VoiceConfigEntity } from 'src/voice/entities/voice-config.entity';
import { VoiceNumberEntity } from 'src/voice/entities/voice-number.entity';
import { VoiceWebhookController } from 'src/voice/twilio/voice-webhook.controller';
import { VoiceWebhookService } from 'src/voice/twilio/voice-webhook.service';

@Module({
  imports: [TypeOrmModule.forFeature([VoiceConfigEntity, VoiceNumberEntity]), TenantModule, CryptoModule],
  controllers: [VoiceAdminController, VoiceWebhookController],
  providers: [VoiceConfigRepository, VoiceConfigService, CallTicketStore, VoiceWebhookService],
})
export class VoiceModule {}
