import type { FunctionResponse, LiveServerMessage } from '@google/genai';
import { Logger } from '@nestjs/common';

import type { LiveModelConnector, LiveModelSession, LiveSessionOptions } from 'src/voice/live/live-model.port';
import type { VoiceMetrics } from 'src/voice/voice-metrics.service';

/** Caller audio kept while the model (re)connects: 2 s of 20 ms frames. Beyond that the oldest is dropped and counted. */
const MAX_PENDING_FRAMES = 100;

export interface ModelLinkEvents {
  onMessage(message: LiveServerMessage): void;
  /** The model is gone and cannot be resumed. */
  onFailure(why: string, err?: Error): void;
}

/**
 * A call's connection to the realtime model that survives server restarts: it keeps the latest resumption handle,
 * reconnects on `goAway` or an unexpected close, and buffers caller audio meanwhile, so the caller notices nothing.
 */
export class ModelLink {
  private readonly logger = new Logger('ModelLink');
  private session: LiveModelSession | null = null;
  /** Bumped on every (re)connect and on close, so callbacks of a replaced session are ignored. */
  private gen = 0;
  private resumeHandle: string | undefined;
  private reconnecting = false;
  private closed = false;
  private pending: Buffer[] = [];

  constructor(
    private readonly connector: LiveModelConnector,
    private readonly options: Omit<LiveSessionOptions, 'resumeHandle'>,
    private readonly events: ModelLinkEvents,
    private readonly metrics: VoiceMetrics,
    private readonly logContext: Record<string, string>,
  ) {}

  /** Opens the first session; throws when the model cannot be reached. */
  async open(): Promise<void> {
    const gen = ++this.gen;
    const session = await this.connector.connect(
      { ...this.options, resumeHandle: this.resumeHandle },
      {
        onMessage: (m) => gen === this.gen && this.handleMessage(m),
        onClose: (info) => gen === this.gen && this.handleClose(info),
      },
    );
    if (gen !== this.gen || this.closed) {
      session.close();
      return;
    }
    this.session = session;
  }

  sendAudio(pcm16k: Buffer): void {
    if (this.closed) return;
    if (this.session && !this.reconnecting) return this.session.sendAudio(pcm16k);
    this.pending.push(pcm16k);
    if (this.pending.length > MAX_PENDING_FRAMES) {
      this.pending.shift();
      this.metrics.framesDropped++;
    }
  }

  /** Sends the audio that arrived while connecting, in order. */
  flushPending(): void {
    const frames = this.pending;
    this.pending = [];
    for (const pcm of frames) this.session?.sendAudio(pcm);
  }

  sendText(text: string): void {
    this.session?.sendText(text);
  }

  sendContext(text: string): void {
    this.session?.sendContext(text);
  }

  sendToolResponse(responses: FunctionResponse[]): void {
    this.session?.sendToolResponse(responses);
  }

  close(): void {
    this.closed = true;
    this.gen++;
    this.session?.close();
    this.session = null;
    this.pending = [];
  }

  private handleMessage(m: LiveServerMessage): void {
    const update = m.sessionResumptionUpdate;
    if (update?.resumable && update.newHandle) this.resumeHandle = update.newHandle;
    this.events.onMessage(m);
    if (m.goAway) void this.reconnect('goAway');
  }

  private handleClose(info: { code: number; reason: string }): void {
    if (this.closed || this.reconnecting) return;
    this.session = null;
    if (this.resumeHandle) void this.reconnect(`model socket closed (${info.code})`);
    else this.events.onFailure(`model socket closed (${info.code})`);
  }

  private async reconnect(why: string): Promise<void> {
    if (this.reconnecting || this.closed) return;
    this.reconnecting = true;
    const old = this.session;
    this.session = null;
    this.metrics.reconnects++;
    this.logger.log({ ...this.logContext, why, resumable: !!this.resumeHandle }, 'model reconnect');
    try {
      await this.open();
      this.reconnecting = false;
      this.flushPending();
    } catch (err) {
      this.reconnecting = false;
      this.events.onFailure('model reconnect failed', err as Error);
    } finally {
      old?.close();
    }
  }
}
