import { Injectable, Logger } from '@nestjs/common';
import { FunctionResponse, GoogleGenAI, LiveConnectConfig, Modality, Session } from '@google/genai';
import { AppConfig } from 'src/config/app-config.service';
import { AppError } from 'src/common/errors/app-error';
import { GEMINI_INPUT_MIME } from 'src/voice/audio/call-audio';
import { LiveModelConnector, LiveModelSession, LiveSessionCallbacks, LiveSessionOptions } from 'src/voice/live/live-model.port';

/**
 * Gemini Live through @google/genai. `live.connect` never settles if the socket cannot open (the SDK only reports
 * it through onerror), so the connect is raced against a timeout and the half-open socket closed.
 */
@Injectable()
export class GeminiLiveConnector extends LiveModelConnector {
  private readonly logger = new Logger('GeminiLive');
  private readonly ai: GoogleGenAI | null;

  constructor(private readonly config: AppConfig) {
    super();
    const apiKey = config.get('GEMINI_API_KEY');
    const baseUrl = config.get('GEMINI_BASE_URL');
    this.ai = apiKey ? new GoogleGenAI({ apiKey, httpOptions: baseUrl ? { baseUrl } : undefined }) : null;
  }

  async connect(options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession> {
    if (!this.ai) throw new AppError('UNAVAILABLE', 'VOICE.MODEL_UNAVAILABLE', 'GEMINI_API_KEY is not set');
    const timeoutMs = this.config.get('VOICE_MODEL_CONNECT_TIMEOUT_MS');
    let settled = false;
    let session: Session | undefined;
    let closedEarly: (err: Error) => void = () => undefined;
    const earlyClose = new Promise<never>((_, reject) => (closedEarly = reject));
    const connecting = this.ai.live
      .connect({
        model: this.config.get('GEMINI_LIVE_MODEL'),
        config: liveConfig(options),
        callbacks: {
          onmessage: (m) => callbacks.onMessage(m),
          onerror: (e) => this.logger.warn({ err: (e as { message?: string }).message ?? 'socket error' }, 'live socket error'),
          onclose: (e) => {
            if (settled) callbacks.onClose({ code: e.code, reason: e.reason });
            // Closed before setupComplete: the SDK's connect would wait forever, so fail now.
            else closedEarly(new AppError('UNAVAILABLE', 'VOICE.MODEL_REFUSED', `Live model closed the connection (${e.code})`));
          },
        },
      })
      .then((s) => {
        session = s;
        if (settled) s.close();
        return s;
      });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new AppError('UNAVAILABLE', 'VOICE.MODEL_TIMEOUT', 'Live model did not answer in time')), timeoutMs).unref(),
    );
    try {
      const s = await Promise.race([connecting, timeout, earlyClose]);
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
