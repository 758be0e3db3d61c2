import type { LiveServerMessage } from '@google/genai';
import { Logger } from '@nestjs/common';
import { captureLead } from 'src/chat/pipeline/lead-capture.step';
import { newSessionState, SessionState } from 'src/session/session-state';
import { OutboundAudio, InboundAudio } from 'src/voice/audio/call-audio';
import { TWILIO_FRAME_BYTES } from 'src/voice/audio/frame-packer';
import { AssistantTurn } from 'src/voice/call/assistant-turn';
import type { CallDeps } from 'src/voice/call/call-session.factory';
import { CallTools } from 'src/voice/call/call-tools';
import type { CallOutcome } from 'src/voice/call/call-ticket.store';
import { DtmfMenu } from 'src/voice/call/dtmf-menu';
import type { VoiceRuntimeConfig } from 'src/voice/config/voice-config.service';
import type { LiveModelSession } from 'src/voice/live/live-model.port';
import { isValidTwilioSignature } from 'src/voice/twilio/twilio-signature';
import { STREAM_PARAM_BUSINESS, STREAM_PARAM_CALL } from 'src/voice/twilio/twiml';
import type { CallTransport, StartFrame, TwilioInboundFrame } from 'src/voice/twilio/twilio-media.types';
import { WS_NORMAL, WS_POLICY_VIOLATION } from 'src/voice/twilio/twilio-media.types';

type Phase = 'awaiting_start' | 'starting' | 'live' | 'ending' | 'ended';
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const BUSINESS_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Caller audio kept while the model (re)connects: 2 s. Beyond that the oldest is dropped and counted. */
const MAX_PENDING_FRAMES = 100;
/** A μ-law frame louder than this (PCM RMS) counts as the caller speaking, for the response-latency metric. */
const VOICED_RMS = 500;

/**
 * One phone call: Twilio media stream ⇄ Gemini Live. Owns its audio state, model session, timers and transcript;
 * shares nothing mutable with other calls. All I/O to Twilio goes through `transport`.
 */
export class CallSession {
  private readonly logger = new Logger('CallSession');
  private phase: Phase = 'awaiting_start';
  private streamSid = '';
  private businessId = '';
  private callSid = '';
  private state!: SessionState;
  private model: LiveModelSession | null = null;
  /** Bumped on every (re)connect and at the end, so callbacks of a replaced session are ignored. */
  private modelGen = 0;
  private resumeHandle: string | undefined;
  private reconnecting = false;
  private readonly inbound = new InboundAudio();
  private readonly outbound = new OutboundAudio();
  private pending: Buffer[] = [];
  private turnSeq = 0;
  private turn = new AssistantTurn(0);
  /** Rest of an interrupted model turn is dropped until the model says the turn is over. */
  private dropping = false;
  private userText = '';
  private lastVoicedAt = 0;
  private tools!: CallTools;
  private menu!: DtmfMenu;
  private readonly timers: NodeJS.Timeout[] = [];
  private persistChain: Promise<void> = Promise.resolve();
  private wrapUp: Promise<void> | null = null;

  constructor(
    private readonly deps: CallDeps,
    private readonly transport: CallTransport,
    private readonly signature: string,
  ) {
    this.timers.push(setTimeout(() => this.reject('no start frame in time'), deps.startTimeoutMs).unref());
  }

  handle(frame: TwilioInboundFrame): void {
    switch (frame.event) {
      case 'connected':
        return;
      case 'start':
        if (this.phase !== 'awaiting_start') return this.reject('second start frame');
        void this.start(frame).catch((err: Error) => this.fail('start failed', err));
        return;
      case 'media':
        if (this.phase === 'awaiting_start') return this.reject('media before start');
        return this.onCallerAudio(frame.media.payload);
      case 'mark':
        return this.onMark(frame.mark.name);
      case 'dtmf':
        return this.onDigit(frame.dtmf.digit);
      case 'stop':
        void this.end('completed');
        return;
    }
  }

  /** The socket is gone (hang-up, network): release everything. */
  onSocketClosed(): void {
    void this.end('completed');
  }

  /** Admission control closed the socket (flood, oversized or binary frame). */
  onPolicyViolation(reason: string): void {
    this.logger.warn({ businessId: this.businessId || undefined, reason }, 'media stream closed for policy');
    void this.end('completed', { code: WS_POLICY_VIOLATION, reason });
  }

  private async start(frame: StartFrame): Promise<void> {
    this.phase = 'starting';
    this.streamSid = frame.start.streamSid;
    const businessId = frame.start.customParameters[STREAM_PARAM_BUSINESS] ?? '';
    const callSid = frame.start.customParameters[STREAM_PARAM_CALL] ?? '';
    if (!BUSINESS_ID.test(businessId) || !CALL_SID.test(callSid) || callSid !== frame.start.callSid) {
      return this.reject('start frame lacks valid call parameters');
    }
    const voice = await this.deps.voiceConfigs.runtimeConfig(businessId);
    // The upgrade signature is checked with the tenant's token before anything else happens for this call.
    if (!voice || !isValidTwilioSignature(voice.authToken, this.signature, this.deps.streamUrl(), {})) {
      return this.reject('bad stream signature');
    }
    if (!voice.enabled || !(await this.deps.tickets.consume(businessId, callSid))) return this.reject('no call ticket');
    if (this.phase !== 'starting') return;
    this.businessId = businessId;
    this.callSid = callSid;
    this.deps.metrics.callsActive++;
    this.deps.metrics.callsTotal++;
    clearTimeout(this.timers[0]);
    if (voice.maxCallSeconds) this.timers.push(setTimeout(() => void this.end('time_limit'), voice.maxCallSeconds * 1000).unref());
    const business = await this.deps.tenants.getCached(businessId);
    this.state = (await this.deps.sessions.get(businessId, callSid)) ?? newSessionState(businessId, callSid, 'voice');
    this.menu = new DtmfMenu(business.ctaTree ?? {});
    this.defaultCountry = business.defaultCountry;
    this.tools = new CallTools(
      this.deps.crmTools,
      this.deps.knowledge,
      () => ({ businessId, sessionId: callSid, channel: 'voice', captured: this.state.captured, crm: this.state.crm }),
      (ids) => (this.state.crm = { ...this.state.crm, ...Object.fromEntries(Object.entries(ids).filter(([, v]) => v)) }),
    );
    this.instruction = this.deps.instructions.build(business, this.state.captured, 'voice');
    this.voice = voice;
    this.toolDeclarations = await this.tools.declarations(businessId);
    await this.openModel();
    if (this.phase !== 'starting') return;
    this.phase = 'live';
    const greeting = voice.greeting ?? business.greetingMessage ?? `Thanks for calling ${business.businessName}.`;
    this.model?.sendText(`[The caller just connected. Greet them with exactly: ${JSON.stringify(greeting)} then listen.]`);
    this.flushPending();
    this.logger.log({ businessId, callSid }, 'call started');
  }

  private instruction = '';
  private defaultCountry = 'US';
  private voice!: VoiceRuntimeConfig;
  private toolDeclarations: Awaited<ReturnType<CallTools['declarations']>> = [];

  private async openModel(): Promise<void> {
    const gen = ++this.modelGen;
    const session = await this.deps.connector.connect(
      {
        systemInstruction: this.instruction,
        tools: this.toolDeclarations,
        voiceName: this.voice.voiceName,
        language: this.voice.language,
        resumeHandle: this.resumeHandle,
      },
      {
        onMessage: (m) => gen === this.modelGen && this.onModelMessage(m),
        onClose: (info) => gen === this.modelGen && this.onModelClosed(info),
      },
    );
    if (gen !== this.modelGen || this.phase === 'ending' || this.phase === 'ended') {
      session.close();
      return;
    }
    this.model = session;
  }

  /** goAway or a dropped model socket: a new session resumed from the last handle, invisible to the caller. */
  private async reconnect(why: string): Promise<void> {
    if (this.reconnecting || (this.phase !== 'live' && this.phase !== 'starting')) return;
    this.reconnecting = true;
    const old = this.model;
    this.model = null;
    this.deps.metrics.reconnects++;
    this.logger.log({ businessId: this.businessId, callSid: this.callSid, why, resumable: !!this.resumeHandle }, 'model reconnect');
    try {
      await this.openModel();
      old?.close();
      this.reconnecting = false;
      this.flushPending();
    } catch (err) {
      this.reconnecting = false;
      old?.close();
      this.fail('model reconnect failed', err as Error);
    }
  }

  private onModelClosed(info: { code: number; reason: string }): void {
    if (this.phase !== 'live' || this.reconnecting) return;
    this.model = null;
    if (this.resumeHandle) void this.reconnect(`socket closed ${info.code}`);
    else this.fail(`model socket closed ${info.code}`);
  }

  private onModelMessage(m: LiveServerMessage): void {
    if (m.sessionResumptionUpdate?.resumable && m.sessionResumptionUpdate.newHandle) {
      this.resumeHandle = m.sessionResumptionUpdate.newHandle;
    }
    if (m.toolCallCancellation?.ids?.length) this.tools.cancel(m.toolCallCancellation.ids);
    if (m.toolCall?.functionCalls?.length) {
      // The CRM accepts only details the caller actually said, so what they said so far is captured first.
      this.captureLeadFrom(this.userText);
      this.deps.metrics.toolCalls += m.toolCall.functionCalls.length;
      void this.tools.run(m.toolCall.functionCalls, (responses) => this.model?.sendToolResponse(responses));
    }
    const sc = m.serverContent;
    if (sc) {
      if (sc.interrupted) this.bargeIn();
      if (sc.inputTranscription?.text) this.userText += sc.inputTranscription.text;
      if (sc.outputTranscription?.text && !this.dropping) this.turn.appendTranscript(sc.outputTranscription.text);
      for (const part of sc.modelTurn?.parts ?? []) {
        if (part.inlineData?.data && part.inlineData.mimeType?.startsWith('audio/') && !this.dropping) this.playModelAudio(part.inlineData.data);
      }
      if (sc.turnComplete) this.completeTurn();
    }
    if (m.goAway) void this.reconnect('goAway');
  }

  private onCallerAudio(payload: string): void {
    const started = performance.now();
    this.deps.metrics.framesIn++;
    const mulaw = Buffer.from(payload, 'base64');
    if (mulaw.length === 0 || mulaw.length > TWILIO_FRAME_BYTES * 50) return;
    const pcm = this.inbound.process(mulaw);
    if (isVoiced(pcm)) this.lastVoicedAt = Date.now();
    if (this.model && this.phase === 'live' && !this.reconnecting) this.model.sendAudio(pcm);
    else if (this.phase === 'starting' || this.phase === 'live') {
      this.pending.push(pcm);
      if (this.pending.length > MAX_PENDING_FRAMES) {
        this.pending.shift();
        this.deps.metrics.framesDropped++;
      }
    }
    this.deps.metrics.recordFrameProcessing(performance.now() - started);
  }

  private flushPending(): void {
    const frames = this.pending;
    this.pending = [];
    for (const pcm of frames) this.model?.sendAudio(pcm);
  }

  private playModelAudio(base64: string): void {
    if (this.turn.framesSent === 0 && this.turn.startedAt === null) {
      this.turn.startedAt = Date.now();
      if (this.lastVoicedAt) this.deps.metrics.recordResponseLatency(this.turn.startedAt - this.lastVoicedAt);
    }
    const started = performance.now();
    this.sendFrames(this.outbound.process(Buffer.from(base64, 'base64')));
    this.deps.metrics.recordOutboundProcessing(performance.now() - started);
  }

  private sendFrames(frames: Buffer[]): void {
    if (!frames.length || this.phase === 'ended') return;
    for (const f of frames) this.transport.send({ event: 'media', streamSid: this.streamSid, media: { payload: f.toString('base64') } });
    this.turn.framesSent += frames.length;
    this.deps.metrics.framesOut += frames.length;
    this.transport.send({ event: 'mark', streamSid: this.streamSid, mark: { name: this.turn.markName() } });
  }

  private onMark(name: string): void {
    this.turn.onMark(name);
    if (name === 'apology-end' && this.phase === 'ending') void this.end('failed');
  }

  /** The caller spoke over the assistant: silence Twilio's buffer now, keep only what was heard. */
  private bargeIn(): void {
    this.transport.send({ event: 'clear', streamSid: this.streamSid });
    this.outbound.clear();
    this.deps.metrics.bargeIns++;
    this.dropping = true;
    this.recordTurn(this.turn.heardTranscript(), true);
    this.turn = new AssistantTurn(++this.turnSeq);
  }

  private completeTurn(): void {
    if (!this.dropping) {
      this.sendFrames(this.outbound.flush());
      this.recordTurn(this.turn.transcript, false);
      this.turn = new AssistantTurn(++this.turnSeq);
    }
    this.dropping = false;
  }

  private onDigit(digit: string): void {
    if (this.phase !== 'live') return;
    const action = this.menu.press(digit);
    if (action.kind === 'ignore') return;
    const ctaId = action.ctaId;
    if (action.kind === 'request') {
      this.model?.sendText(action.text);
      this.userText += `${this.userText ? ' ' : ''}${action.text}`;
    } else {
      this.model?.sendText(`[${action.prompt}]`);
    }
    if (ctaId) this.persist([], [{ type: 'cta_clicked', payload: { ctaId, via: 'dtmf' } }]);
  }

  private captureLeadFrom(text: string): void {
    if (!text.trim()) return;
    const r = captureLead(text, this.state, { defaultCountry: this.defaultCountry, awaitingField: null });
    this.state.captured = r.captured;
    this.state.locks = r.locks;
    if (r.newlyLocked.length) this.persist([], [{ type: 'lead_captured', payload: { fields: r.newlyLocked } }]);
  }

  private recordTurn(assistantText: string, interrupted: boolean): void {
    const user = this.userText.trim();
    this.userText = '';
    this.captureLeadFrom(user);
    const messages = [
      ...(user ? [{ role: 'user' as const, content: user }] : []),
      ...(assistantText ? [{ role: 'assistant' as const, content: assistantText, ...(interrupted ? { payload: { interrupted: true } } : {}) }] : []),
    ];
    const events = messages.map((msg) => ({ type: msg.role === 'user' ? ('user_message' as const) : ('assistant_message' as const) }));
    this.persist(messages, events);
  }

  private persist(messages: Parameters<CallDeps['transcripts']['recordTurn']>[0]['messages'], events: Parameters<CallDeps['transcripts']['recordTurn']>[0]['events']): void {
    if (!messages.length && !events.length) return;
    const turn = { businessId: this.businessId, sessionId: this.callSid, channel: 'voice' as const, messages, events };
    // Serialised so transcript rows keep the order of the conversation.
    this.persistChain = this.persistChain
      .then(() => this.deps.transcripts.recordTurn(turn))
      .catch((err: Error) => this.logger.error({ businessId: this.businessId, err: err.message }, 'transcript write failed'));
  }

  /** Model unavailable or broken: a short audible apology, then the stream ends and TwiML says the words. */
  private fail(why: string, err?: Error): void {
    if (this.phase === 'ending' || this.phase === 'ended') return;
    this.deps.metrics.modelFailures++;
    this.logger.warn({ businessId: this.businessId || undefined, why, err: err?.message }, 'call failing');
    if (!this.businessId) return this.reject(why);
    this.phase = 'ending';
    this.modelGen++;
    this.model?.close();
    this.model = null;
    this.outbound.clear();
    this.transport.send({ event: 'clear', streamSid: this.streamSid });
    for (let o = 0; o < this.deps.apologyClip.length; o += TWILIO_FRAME_BYTES) {
      const frame = this.deps.apologyClip.subarray(o, o + TWILIO_FRAME_BYTES);
      this.transport.send({ event: 'media', streamSid: this.streamSid, media: { payload: frame.toString('base64') } });
    }
    this.transport.send({ event: 'mark', streamSid: this.streamSid, mark: { name: 'apology-end' } });
    // If Twilio never echoes the mark (caller gone), end anyway once the clip would have played.
    const clipMs = (this.deps.apologyClip.length / 8) | 0;
    this.timers.push(setTimeout(() => void this.end('failed'), clipMs + 1500).unref());
  }

  private reject(reason: string): void {
    if (this.phase === 'ended') return;
    this.deps.metrics.rejectedSockets++;
    this.logger.warn({ reason }, 'media stream rejected');
    this.phase = 'ended';
    this.clearTimers();
    this.transport.close(WS_POLICY_VIOLATION, reason);
  }

  /** Resolves when the call has ended and its transcript and outcome are written (for graceful shutdown). */
  settled(): Promise<void> {
    return this.wrapUp ?? Promise.resolve();
  }

  private end(outcome: CallOutcome, close = { code: WS_NORMAL, reason: 'call ended' }): Promise<void> {
    if (this.phase === 'ended') return this.settled();
    this.wrapUp = this.finish(outcome, close);
    this.deps.track(this.wrapUp);
    return this.wrapUp;
  }

  private async finish(outcome: CallOutcome, close: { code: number; reason: string }): Promise<void> {
    const wasStarted = !!this.businessId;
    this.phase = 'ended';
    this.clearTimers();
    this.modelGen++;
    this.model?.close();
    this.model = null;
    this.transport.close(close.code, close.reason);
    if (!wasStarted) return;
    this.deps.metrics.callsActive--;
    const heard = this.turn.heardTranscript();
    if (heard || this.userText.trim()) this.recordTurn(heard, this.turn.framesPlayed < this.turn.framesSent);
    await this.persistChain;
    await Promise.all([
      this.deps.tickets.recordOutcome(this.businessId, this.callSid, outcome),
      this.deps.sessions.save({ ...this.state, updatedAt: new Date().toISOString() }),
    ]).catch((err: Error) => this.logger.error({ businessId: this.businessId, err: err.message }, 'call wrap-up failed'));
    this.logger.log({ businessId: this.businessId, callSid: this.callSid, outcome }, 'call ended');
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
  }
}

function isVoiced(pcmLittleEndian: Buffer): boolean {
  let acc = 0;
  const n = pcmLittleEndian.length >> 1;
  for (let i = 0; i < n; i += 4) {
    const s = pcmLittleEndian.readInt16LE(i * 2);
    acc += s * s;
  }
  return Math.sqrt(acc / Math.max(1, n / 4)) > VOICED_RMS;
}
