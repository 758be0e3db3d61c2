import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from 'src/config/app-config.service';
import { TenantService } from 'src/tenant/tenant.service';
import { CallTicketStore } from 'src/voice/call/call-ticket.store';
import { VoiceConfigService } from 'src/voice/config/voice-config.service';
import { E164_PATTERN } from 'src/voice/dto/voice-config.dto';
import { isValidTwilioSignature, publicUrl } from 'src/voice/twilio/twilio-signature';
import { afterStreamTwiml, connectStreamTwiml, unavailableTwiml } from 'src/voice/twilio/twiml';
import { VoiceErrors } from 'src/voice/voice.errors';

export interface TwilioWebhookInput {
  /** Path and query exactly as received (Express `originalUrl`). */
  pathAndQuery: string;
  businessIdParam?: string;
  signature?: string;
  params: Record<string, string>;
}

export const MEDIA_STREAM_PATH = '/media-stream';
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const BUSINESS_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Answers Twilio's voice webhooks with TwiML; every answer that reveals anything is behind the tenant's signature. */
@Injectable()
export class VoiceWebhookService {
  private readonly logger = new Logger('VoiceWebhook');

  constructor(
    private readonly config: AppConfig,
    private readonly voiceConfigs: VoiceConfigService,
    private readonly tickets: CallTicketStore,
    private readonly tenants: TenantService,
  ) {}

  async answerIncoming(input: TwilioWebhookInput): Promise<string> {
    const businessId = await this.resolveTenant(input);
    const voice = businessId ? await this.voiceConfigs.runtimeConfig(businessId) : null;
    if (!businessId || !voice) {
      this.logger.warn({ hasParam: !!input.businessIdParam }, 'call for an unknown tenant or number');
      return unavailableTwiml();
    }
    this.verify(voice.authToken, input);
    const callSid = input.params.CallSid;
    if (!voice.enabled || !CALL_SID.test(callSid ?? '')) {
      this.logger.log({ businessId, enabled: voice.enabled }, 'call refused');
      return unavailableTwiml();
    }
    const ticket = await this.tickets.issue(businessId, callSid);
    const base = this.baseUrl();
    this.logger.log({ businessId, callSid }, 'call accepted');
    return connectStreamTwiml({
      streamUrl: publicUrl(base, MEDIA_STREAM_PATH, 'ws'),
      actionUrl: publicUrl(base, `/voice/stream-ended?business_id=${encodeURIComponent(businessId)}`),
      businessId,
      callSid,
      ticket,
      caller: { from: input.params.From, to: input.params.To, country: input.params.CallerCountry },
    });
  }

  async answerStreamEnded(input: TwilioWebhookInput): Promise<string> {
    const businessId = input.businessIdParam && BUSINESS_ID.test(input.businessIdParam) ? input.businessIdParam : null;
    const voice = businessId ? await this.voiceConfigs.runtimeConfig(businessId) : null;
    if (!businessId || !voice) throw VoiceErrors.badSignature();
    this.verify(voice.authToken, input);
    const callSid = input.params.CallSid ?? '';
    const outcome = CALL_SID.test(callSid) ? await this.tickets.takeOutcome(businessId, callSid) : null;
    if (outcome !== 'handoff') return afterStreamTwiml(outcome);
    // The hand-off line and transfer number as configured now (the call's hand-off was recorded moments ago).
    const { handoff } = await this.tenants.getCached(businessId);
    return afterStreamTwiml(outcome, { message: handoff.message, transferNumber: handoff.transferNumber });
  }

  private async resolveTenant(input: TwilioWebhookInput): Promise<string | null> {
    if (input.businessIdParam) return BUSINESS_ID.test(input.businessIdParam) ? input.businessIdParam : null;
    const to = input.params.To;
    return to && E164_PATTERN.test(to) ? this.voiceConfigs.tenantForNumber(to) : null;
  }

  private verify(authToken: string, input: TwilioWebhookInput): void {
    const url = publicUrl(this.baseUrl(), input.pathAndQuery);
    if (!isValidTwilioSignature(authToken, input.signature, url, input.params)) throw VoiceErrors.badSignature();
  }

  baseUrl(): string {
    const base = this.config.get('PUBLIC_BASE_URL');
    if (!base) throw VoiceErrors.noPublicBaseUrl();
    return base;
  }
}
