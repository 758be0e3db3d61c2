import type { AppConfig } from 'src/config/app-config.service';
import type { TenantService } from 'src/tenant/tenant.service';
import type { CallTicketStore } from 'src/voice/call/call-ticket.store';
import type { VoiceConfigService } from 'src/voice/config/voice-config.service';
import { VoiceWebhookService } from 'src/voice/twilio/voice-webhook.service';
import { strictMock } from 'test/support/strict-mock';

describe(VoiceWebhookService.name, () => {
  const build = (publicBaseUrl: string | undefined) =>
    new VoiceWebhookService(
      strictMock<AppConfig>({ get: (key: string) => (key === 'PUBLIC_BASE_URL' ? publicBaseUrl : undefined) }),
      strictMock<VoiceConfigService>(),
      strictMock<CallTicketStore>(),
      strictMock<TenantService>(),
    );

  it('refuses to verify Twilio signatures without PUBLIC_BASE_URL, as a coded 503', () => {
    expect(() => build(undefined).baseUrl()).toThrow(
      expect.objectContaining({ kind: 'UNAVAILABLE', code: 'VOICE.NO_PUBLIC_BASE_URL' }),
    );
  });

  it('uses PUBLIC_BASE_URL as the base of the signed URLs', () => {
    expect(build('https://concierge.example').baseUrl()).toBe('https://concierge.example');
  });
});
