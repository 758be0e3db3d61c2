import { randomBytes } from 'node:crypto';
import type { SystemInstructionBuilder } from 'src/chat/pipeline/system-instruction.builder';
import type { CrmTools } from 'src/crm/crm-tools.port';
import type { KnowledgeRetriever } from 'src/rag/knowledge-retriever.port';
import type { SessionStore } from 'src/session/session-store.port';
import type { TranscriptService } from 'src/session/transcript.service';
import type { BusinessEntity } from 'src/tenant/entities/business.entity';
import type { TenantService } from 'src/tenant/tenant.service';
import { CallSession } from 'src/voice/call/call-session';
import type { CallDeps } from 'src/voice/call/call-session.factory';
import type { CallTicketStore } from 'src/voice/call/call-ticket.store';
import type { VoiceConfigService, VoiceRuntimeConfig } from 'src/voice/config/voice-config.service';
import { LiveModelConnector, LiveModelSession } from 'src/voice/live/live-model.port';
import type { CallTransport, TwilioOutboundFrame } from 'src/voice/twilio/twilio-media.types';
import { VoiceMetrics } from 'src/voice/voice-metrics.service';
import { strictMock } from 'test/support/strict-mock';
import { twilioSignature } from 'test/voice/support/twilio-signing';

const STREAM_URL = 'wss://voice.example.com/media-stream';
const TOKEN = 'a'.repeat(32);
const callSid = `CA${randomBytes(16).toString('hex')}`;

function setup(voice: Partial<VoiceRuntimeConfig> = {}, signedWith = TOKEN) {
  const sent: TwilioOutboundFrame[] = [];
  const closes: { code: number; reason: string }[] = [];
  const transport: CallTransport = { send: (f) => sent.push(f), close: (code, reason) => closes.push({ code, reason }) };
  const model: LiveModelSession = { sendAudio: jest.fn(), sendText: jest.fn(), sendToolResponse: jest.fn(), close: jest.fn() };
  const connector = new (class extends LiveModelConnector {
    connect = jest.fn(() => Promise.resolve(model));
  })();
  const outcomes: string[] = [];
  const deps: CallDeps = {
    tenants: strictMock<TenantService>({ getCached: () => Promise.resolve({ businessId: 'acme', businessName: 'Acme', ctaTree: {}, defaultCountry: 'US', greetingMessage: 'Hi' } as BusinessEntity) }),
    voiceConfigs: strictMock<VoiceConfigService>({
      runtimeConfig: () =>
        Promise.resolve({ businessId: 'acme', enabled: true, authToken: TOKEN, voiceName: null, language: null, greeting: null, maxCallSeconds: null, ...voice }),
    }),
    tickets: strictMock<CallTicketStore>({
      consume: (_b: string, _c: string, ticket: string) => Promise.resolve(ticket === 'good'),
      recordOutcome: (_b: string, _c: string, outcome: string) => {
        outcomes.push(outcome);
        return Promise.resolve();
      },
    }),
    connector,
    instructions: strictMock<SystemInstructionBuilder>({ build: () => 'instruction' }),
    crmTools: strictMock<CrmTools>({ declarations: () => Promise.resolve([]) }),
    knowledge: strictMock<KnowledgeRetriever>(),
    transcripts: strictMock<TranscriptService>({ recordTurn: () => Promise.resolve() }),
    sessions: strictMock<SessionStore>({ get: () => Promise.resolve(null), save: () => Promise.resolve() }),
    metrics: new VoiceMetrics(),
    apologyClip: Buffer.alloc(800, 0xff),
    startTimeoutMs: 1000,
    streamUrl: () => STREAM_URL,
    track: () => undefined,
  };
  const sut = new CallSession(deps, transport, twilioSignature(signedWith, STREAM_URL));
  const start = (ticket = 'good') =>
    sut.handle({ event: 'start', streamSid: 'MZ1', start: { streamSid: 'MZ1', callSid, customParameters: { businessId: 'acme', callSid, ticket } } });
  return { sut, sent, closes, connector, model, deps, outcomes, start };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe(CallSession.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refuses the call with 1008 and opens no model session when the upgrade signature is wrong', async () => {
    const { closes, connector, start } = setup({}, 'b'.repeat(32));
    start();
    await flush();
    expect(closes).toEqual([{ code: 1008, reason: 'bad stream signature' }]);
    expect(connector.connect).not.toHaveBeenCalled();
  });

  it('refuses a stream whose ticket does not match', async () => {
    const { closes, connector, start } = setup();
    start('stolen');
    await flush();
    expect(closes[0].code).toBe(1008);
    expect(connector.connect).not.toHaveBeenCalled();
  });

  it('closes a socket that never sends start', () => {
    const { closes } = setup();
    jest.advanceTimersByTime(1000);
    expect(closes).toEqual([{ code: 1008, reason: 'no start frame in time' }]);
  });

  it('greets, then ends the call at the time limit and records why', async () => {
    const { closes, model, outcomes, start } = setup({ maxCallSeconds: 60 });
    start();
    await flush();
    expect(model.sendText).toHaveBeenCalledWith(expect.stringContaining('Hi'));
    jest.advanceTimersByTime(60_000);
    await flush();
    expect(closes).toEqual([{ code: 1000, reason: 'call ended' }]);
    expect(model.close).toHaveBeenCalled();
    expect(outcomes).toEqual(['time_limit']);
  });

  it('plays the apology when the model cannot be reached and ends when Twilio echoes its mark', async () => {
    const { closes, connector, outcomes, sent, start, sut } = setup();
    connector.connect.mockRejectedValueOnce(new Error('unreachable'));
    start();
    await flush();
    expect(sent.filter((f) => f.event === 'media')).toHaveLength(5);
    expect(sent.at(-1)).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'apology-end' } });
    expect(closes).toEqual([]);
    sut.handle({ event: 'mark', streamSid: 'MZ1', mark: { name: 'apology-end' } });
    await flush();
    expect(closes).toEqual([{ code: 1000, reason: 'call ended' }]);
    expect(outcomes).toEqual(['failed']);
  });
});
