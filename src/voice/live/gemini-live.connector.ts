import { Injectable, Logger } from '@nestjs/common';
import { FunctionResponse, GoogleGenAI, LiveConnectConfig, Modality, Session } from '@google/genai';
import { BrokenCircuitError, circuitBreaker, CircuitBreakerPolicy, ConsecutiveBreaker, handleAll } from 'cockatiel';
import { AppConfig } from 'src/config/app-config.service';
import { GEMINI_INPUT_MIME } from 'src/voice/audio/call-audio';
import { VoiceErrors } from 'src/voice/voice.errors';
import { LiveModelConnector, LiveModelSession, LiveSessionCallbacks, LiveSessionOptions } from 'src/voice/live/live-model.port';

/** After this many consecutive failed connects, calls get the apology at once for a while instead of waiting. */
const BREAKER_THRESHOLD = 5;
const BREAKER_HALF_OPEN_AFTER_MS = 15_000;

/**
 * Gemini Live through @google/genai. `live.connect` never settles if the socket cannot open (the SDK only reports
 * it through onerror), so the connect is raced against a timeout and the half-open socket closed. A circuit breaker
 * spares callers the timeout while Gemini is down. No retries: a caller is waiting, and the apology is better than
 * silence.
 */
@Injectable()
export class GeminiLiveConnector extends LiveModelConnector {
  private readonly logger = new Logger('GeminiLive');
  private readonly ai: GoogleGenAI | null;
  private readonly breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: BREAKER_HALF_OPEN_AFTER_MS,
    breaker: new ConsecutiveBreaker(BREAKER_THRESHOLD),
  });

  constructor(private readonly config: AppConfig) {
    super();
    const apiKey = config.get('GEMINI_API_KEY');
    const baseUrl = config.get('GEMINI_BASE_URL');
    this.ai = apiKey ? new GoogleGenAI({ apiKey, httpOptions: baseUrl ? { baseUrl } : undefined }) : null;
  }

  async connect(options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession> {
    const ai = this.ai;
    if (!ai) throw VoiceErrors.modelUnavailable();
    try {
      return await this.breaker.execute(() => this.open(ai, options, callbacks));
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw VoiceErrors.modelPaused();
      throw err;
    }
  }

  private async open(ai: GoogleGenAI, options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession> {
    const timeoutMs = this.config.get('VOICE_MODEL_CONNECT_TIMEOUT_MS');
    let settled = false;
    let session: Session | undefined;
    let closedEarly: (err: Error) => void = () => undefined;
    const earlyClose = new Promise<never>((_, reject) => (closedEarly = reject));
    const connecting = ai.live
      .connect({
        model: this.config.get('GEMINI_LIVE_MODEL'),
        config: liveConfig(options),
        callbacks: {
          onmessage: (m) => callbacks.onMessage(m),
          onerror: (e) => this.logger.warn({ err: (e as { message?: string }).message ?? 'socket error' }, 'live socket error'),
          onclose: (e) => {
            if (settled) callbacks.onClose({ code: e.code, reason: e.reason });
            // Closed before setupComplete: the SDK's connect would wait forever, so fail now.
            else closedEarly(VoiceErrors.modelRefused(e.code));
          },
        },
      })
      .then((s) => {
        session = s;
        if (settled) s.close();
        return s;
      });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(VoiceErrors.modelTimeout()), timeoutMs);
    });
    try {
      const s = await Promise.race([connecting, timeout, earlyClose]).finally(() => clearTimeout(timer));
      settled = true;
      return wrap(s);
    } catch (err) {
      settled = true;
      session?.close();
      connecting.catch(() => undefined);
      earlyClose.catch(() => undefined);
      throw err;
    }
  }
}

function liveConfig(o: LiveSessionOptions): LiveConnectConfig {
  return {
    responseModalities: [Modality.AUDIO],
    systemInstruction: o.systemInstruction,
    tools: o.tools.length
      ? [{ functionDeclarations: o.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }]
      : undefined,
    speechConfig: {
      ...(o.voiceName ? { voiceConfig: { prebuiltVoiceConfig: { voiceName: o.voiceName } } } : {}),
      ...(o.language ? { languageCode: o.language } : {}),
    },
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    // Resumption lets a call survive goAway and connection limits; the handle is renewed by the server.
    sessionResumption: o.resumeHandle ? { handle: o.resumeHandle } : {},
    contextWindowCompression: { slidingWindow: {} },
  };
}

function wrap(s: Session): LiveModelSession {
  return {
    sendAudio: (pcm) => s.sendRealtimeInput({ audio: { data: pcm.toString('base64'), mimeType: GEMINI_INPUT_MIME } }),
    sendText: (text) => s.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true }),
    sendToolResponse: (functionResponses: FunctionResponse[]) => s.sendToolResponse({ functionResponses }),
    close: () => s.close(),
  };
}
