import { FunctionResponse, LiveConnectConfig, Modality, Session } from '@google/genai';
import { Injectable, Logger } from '@nestjs/common';

import { withDeadline } from 'src/common/deadline/deadline';
import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import { GeminiClient } from 'src/gemini/gemini-client';
import { classifyGeminiError, GeminiFailure, liveCloseFailure } from 'src/gemini/gemini-failure';
import { GeminiPolicy } from 'src/gemini/gemini-policy';
import { GEMINI_INPUT_MIME } from 'src/voice/audio/call-audio';
import {
  LiveModelConnector,
  LiveModelSession,
  LiveSessionCallbacks,
  LiveSessionOptions,
} from 'src/voice/live/live-model.port';
import { VoiceErrorCatalogue, VoiceErrors } from 'src/voice/voice.errors';

/**
 * Gemini Live through the shared GeminiClient. `live.connect` never settles if the socket cannot open (the SDK only
 * reports it through onerror), so the connect has a deadline and the half-open socket is closed. Connects run under
 * the shared GeminiPolicy, so while chat or embeddings see Gemini down callers get the apology at once instead of
 * waiting out the timeout, and failed connects here pause those too. No retries: a caller is waiting, and the
 * apology is better than silence.
 */
@Injectable()
export class GeminiLiveConnector extends LiveModelConnector {
  private readonly logger = new Logger('GeminiLive');

  constructor(
    private readonly config: AppConfig,
    private readonly client: GeminiClient,
    private readonly policy: GeminiPolicy,
  ) {
    super();
  }

  async connect(options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession> {
    if (!this.client.configured) throw VoiceErrors.modelUnavailable();
    try {
      return await this.policy.execute(() => this.open(options, callbacks));
    } catch (err) {
      throw toVoiceError(err);
    }
  }

  private async open(options: LiveSessionOptions, callbacks: LiveSessionCallbacks): Promise<LiveModelSession> {
    let settled = false;
    let session: Session | undefined;
    let closedEarly: (err: Error) => void = () => undefined;
    const earlyClose = new Promise<never>((_, reject) => (closedEarly = reject));
    const connecting = this.client.ai.live
      .connect({
        model: this.config.get('GEMINI_LIVE_MODEL'),
        config: liveConfig(options),
        callbacks: {
          onmessage: (m) => callbacks.onMessage(m),
          onerror: (e) =>
            this.logger.warn({ err: (e as { message?: string }).message ?? 'socket error' }, 'live socket error'),
          onclose: (e) => {
            if (settled) callbacks.onClose({ code: e.code, reason: e.reason });
            // Closed before setupComplete: the SDK's connect would wait forever, so fail now.
            else closedEarly(liveCloseFailure(e.code));
          },
        },
      })
      .then((s) => {
        session = s;
        if (settled) s.close();
        return s;
      });
    try {
      const timeoutMs = this.config.get('VOICE_MODEL_CONNECT_TIMEOUT_MS');
      const s = await withDeadline(Promise.race([connecting, earlyClose]), timeoutMs, (): never => {
        throw new GeminiFailure('timeout', 'Live model did not answer in time');
      });
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

function toVoiceError(err: unknown): AppError {
  const failure = classifyGeminiError(err);
  switch (failure.reason) {
    case 'paused':
      return VoiceErrors.modelPaused();
    case 'timeout':
      return VoiceErrors.modelTimeout();
    case 'cancelled':
    case 'rate_limited':
    case 'unavailable':
    case 'interrupted':
    case 'rejected':
      return new AppError(VoiceErrorCatalogue.MODEL_REFUSED, failure.message);
  }
}

function liveConfig(o: LiveSessionOptions): LiveConnectConfig {
  return {
    responseModalities: [Modality.AUDIO],
    systemInstruction: o.systemInstruction,
    tools: o.tools.length
      ? [
          {
            functionDeclarations: o.tools.map((t) => ({
              name: t.name,
              description: t.description,
              parametersJsonSchema: t.parameters,
            })),
          },
        ]
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
    // turnComplete false: the server keeps the content in context and waits for more before generating.
    sendContext: (text) => s.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: false }),
    sendToolResponse: (functionResponses: FunctionResponse[]) => s.sendToolResponse({ functionResponses }),
    close: () => s.close(),
  };
}
