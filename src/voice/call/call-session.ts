import type { LiveServerMessage } from '@google/genai';
import { Logger } from '@nestjs/common';

import { type LeakPolicy, leaksInstructions } from 'src/conversation/instruction-leak';
import { mergeMetadata, type SessionMetadata } from 'src/conversation/session-metadata';
import { newSessionState, SessionState } from 'src/conversation/session-state';
import { turnVariables } from 'src/experiments/experiment-exposure';
import { catalogOf } from 'src/tenant/catalog';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { InboundAudio, OutboundAudio } from 'src/voice/audio/call-audio';
import { TWILIO_FRAME_BYTES } from 'src/voice/audio/frame-packer';
import { AssistantTurn } from 'src/voice/call/assistant-turn';
import type { CallDeps } from 'src/voice/call/call-deps';
import type { CallOutcome } from 'src/voice/call/call-ticket.store';
import { CallTools } from 'src/voice/call/call-tools';
import { CallTranscript } from 'src/voice/call/call-transcript';
import { DtmfMenu } from 'src/voice/call/dtmf-menu';
import { ModelLink } from 'src/voice/call/model-link';
import { SAFE_LINE_PROMPT } from 'src/voice/call/spoken-leak';
import { VoiceTurns } from 'src/voice/call/voice-turns';
import type { CallTransport, StartFrame, TwilioInboundFrame } from 'src/voice/twilio/twilio-media.types';
import { WS_NORMAL, WS_POLICY_VIOLATION, WS_TRY_AGAIN_LATER } from 'src/voice/twilio/twilio-media.types';
import { isValidTwilioSignature } from 'src/voice/twilio/twilio-signature';
import {
  STREAM_PARAM_BUSINESS,
  STREAM_PARAM_CALL,
  STREAM_PARAM_CALLER_COUNTRY,
  STREAM_PARAM_FROM,
  STREAM_PARAM_TICKET,
  STREAM_PARAM_TO,
  voiceHandoffLine,
} from 'src/voice/twilio/twiml';

type Phase = 'awaiting_start' | 'starting' | 'live' | 'ending' | 'ended';
const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const BUSINESS_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A caller frame louder than this (PCM RMS) counts as speech, for the response-latency metric. */
const VOICED_RMS = 500;
const APOLOGY_MARK = 'apology-end';
/** 1 s of caller audio kept while the call is being set up. */
const EARLY_FRAMES = 50;

/** Everything that exists only once the call is authenticated and its tenant known. */
interface LiveCall {
  businessId: string;
  callSid: string;
  state: SessionState;
  link: ModelLink;
  tools: CallTools;
  transcript: CallTranscript;
  menu: DtmfMenu;
  /** Flows and rules per caller utterance. */
  turns: VoiceTurns;
  /** What the model's speech must never contain: the call's instructions without caller details, and the canary. */
  leakPolicy: LeakPolicy;
}

/**
 * One phone call: Twilio media stream ⇄ Gemini Live. Owns its audio state, model link, timers and transcript and
 * shares nothing mutable with other calls. All I/O to Twilio goes through `transport`.
 */
export class CallSession {
  private readonly logger = new Logger('CallSession');
  private phase: Phase = 'awaiting_start';
  private streamSid = '';
  private call: LiveCall | null = null;
  private readonly inbound = new InboundAudio();
  private readonly outbound = new OutboundAudio();
  private turnSeq = 0;
  private turn = new AssistantTurn(0);
  /** The rest of an interrupted model turn is dropped until the model says the turn is over. */
  private dropping = false;
  /** The next assistant turn replaces speech withheld for leaking the instructions; its record says so. */
  private replacingLeak = false;
  private lastVoicedAt = 0;
  /** The model is in the middle of a turn (it has started to answer and not said the turn is over). */
  private modelSpeaking = false;
  /** The CTA the caller picked on the keypad, read with the words it stands for. */
  private pendingCtaId: string | null = null;
  /** Caller audio that arrives while the tenant is being loaded, before the model link exists. */
  private readonly early: Buffer[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private wrapUp: Promise<void> | null = null;
  private forget = false;
  private authenticated = false;

  constructor(
    private readonly deps: CallDeps,
    private readonly transport: CallTransport,
    private readonly signature: string,
    /** Called once the stream has proved it is Twilio's (signature and call ticket checked). */
    private readonly onAuthenticated: () => void = () => undefined,
  ) {
    // Until authenticated, a socket is anybody's: it gets the start timeout whether or not it sent `start`.
    this.timer(deps.startTimeoutMs, () => {
      if (this.authenticated) return;
      this.reject(this.phase === 'awaiting_start' ? 'no start frame in time' : 'start not authenticated in time');
    });
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
        this.turn.onMark(frame.mark.name);
        if (frame.mark.name === APOLOGY_MARK && this.phase === 'ending') void this.end('failed');
        return;
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

  /** Admission control refused a frame (flood, oversized, binary, malformed). */
  onPolicyViolation(reason: string): void {
    this.logger.warn({ businessId: this.call?.businessId, reason }, 'media stream closed for policy');
    void this.end('completed', { code: WS_POLICY_VIOLATION, reason });
  }

  /** The tenant, once the call is authenticated. */
  get businessId(): string | null {
    return this.call?.businessId ?? null;
  }

  /** The tenant was deleted: hang up now and write nothing more, so no trace of it is re-created. */
  terminateForDeletedTenant(): Promise<void> {
    this.logger.log({ businessId: this.call?.businessId }, 'call ended: business deleted');
    this.forget = true;
    return this.end('completed', { code: WS_NORMAL, reason: 'business deleted' });
  }

  /**
   * The instance is shutting down and the call outlasted SHUTDOWN_CALL_GRACE_S: the caller hears the apology clip, then
   * the stream ends and Twilio's follow-up TwiML says the apology line and hangs up, as when the model fails. A stream
   * not yet live is closed with 1013 (try again later). Returns how long the apology takes to play, in ms.
   */
  endForShutdown(): number {
    if (this.phase === 'ended' || this.phase === 'ending') return 0;
    this.logger.log(
      { businessId: this.call?.businessId, callSid: this.call?.callSid },
      'call ending: instance shutting down',
    );
    if (!this.call) {
      this.phase = 'ended';
      this.clearTimers();
      this.transport.close(WS_TRY_AGAIN_LATER, 'server shutting down');
      return 0;
    }
    return this.apologiseAndEnd(this.call);
  }

  /** Resolves when the call has ended and its transcript and outcome are written (for graceful shutdown). */
  settled(): Promise<void> {
    return this.wrapUp ?? Promise.resolve();
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
    if (!voice || !isValidTwilioSignature(voice.authToken, this.signature, this.deps.streamUrl(), {}))
      return this.reject('bad stream signature');
    const ticket = frame.start.customParameters[STREAM_PARAM_TICKET] ?? '';
    if (!voice.enabled || !(await this.deps.tickets.consume(businessId, callSid, ticket)))
      return this.reject('no valid call ticket');
    if (this.phase !== 'starting') return;
    this.authenticated = true;
    this.onAuthenticated();
    // The call's variants decide the config it runs with, as a chat session's do.
    const { business, assignments, overridden } = this.deps.experiments.assign(
      await this.deps.tenants.getCached(businessId),
      callSid,
    );
    const state = (await this.deps.sessions.get(businessId, callSid)) ?? newSessionState(businessId, callSid, 'voice');
    state.clientMetadata = mergeMetadata(state.clientMetadata, callerMetadata(frame.start.customParameters));
    const tools = new CallTools(
      this.deps.crmTools,
      this.deps.knowledge,
      () => ({ businessId, sessionId: callSid, channel: 'voice', captured: state.captured, crm: state.crm }),
      (ids) => Object.assign(state.crm, Object.fromEntries(Object.entries(ids).filter(([, v]) => v))),
    );
    const declarations = await tools.declarations(businessId);
    // The caller may hang up while the tenant was being loaded; nothing has been opened yet.
    if (this.phase !== 'starting') return;
    const link = new ModelLink(
      this.deps.connector,
      {
        systemInstruction: this.deps.instructions.build(business, state.captured, 'voice'),
        tools: declarations,
        voiceName: voice.voiceName,
        language: voice.language,
      },
      { onMessage: (m) => this.onModelMessage(m), onFailure: (why, err) => this.fail(why, err) },
      this.deps.metrics,
      { businessId, callSid },
    );
    const transcript = new CallTranscript(this.deps.transcripts, businessId, callSid, state, business.defaultCountry);
    const leakPolicy: LeakPolicy = {
      protectedText: this.deps.instructions.protectedText(business, 'voice'),
      canary: this.deps.instructions.canary,
    };
    const menu = new DtmfMenu(business.ctaTree ?? {}, catalogOf(business.catalog));
    const turns = new VoiceTurns(
      business,
      state,
      transcript,
      menu,
      { rules: this.deps.rules, understanding: this.deps.understanding },
      {
        say: (line) => this.speakLine(line),
        instruct: (text) => link.sendContext(`[For your next answer: ${text}]`),
        handOff: (reason) => void this.handOff(business, reason),
      },
      turnVariables(assignments),
    );
    this.call = { businessId, callSid, state, link, tools, transcript, menu, turns, leakPolicy };
    for (const pcm of this.early.splice(0)) link.sendAudio(pcm);
    this.deps.metrics.callsActive++;
    this.deps.metrics.callsTotal++;
    if (voice.maxCallSeconds) this.timer(voice.maxCallSeconds * 1000, () => void this.end('time_limit'));
    await link.open();
    if (this.phase !== 'starting') return;
    this.phase = 'live';
    // A variant's greeting is what its experiment tests, so it wins over the line's own.
    const greeting =
      (overridden.has('greetingMessage') ? business.greetingMessage : null) ??
      voice.greeting ??
      business.greetingMessage ??
      `Thanks for calling ${business.businessName}.`;
    transcript.expose(assignments);
    link.sendText(`[The caller just connected. Greet them with exactly: ${JSON.stringify(greeting)} then listen.]`);
    link.flushPending();
    this.logger.log({ businessId, callSid }, 'call started');
  }

  private onModelMessage(m: LiveServerMessage): void {
    const call = this.call;
    if (!call || this.phase === 'ending' || this.phase === 'ended') return;
    if (m.toolCallCancellation?.ids?.length) call.tools.cancel(m.toolCallCancellation.ids);
    if (m.toolCall?.functionCalls?.length) {
      call.transcript.captureLead();
      this.deps.metrics.toolCalls += m.toolCall.functionCalls.length;
      void call.tools.run(m.toolCall.functionCalls, (responses) => call.link.sendToolResponse(responses));
    }
    const sc = m.serverContent;
    if (!sc) return;
    if (sc.interrupted) this.bargeIn(call);
    if (sc.inputTranscription?.text) call.transcript.appendCaller(sc.inputTranscription.text);
    const speaks = !!sc.outputTranscription?.text || !!sc.modelTurn?.parts?.some((p) => p.inlineData?.data);
    if (speaks && !this.modelSpeaking) {
      // The model started answering: the caller's utterance is over, and its flows and rules run now.
      this.modelSpeaking = true;
      this.closeCallerTurn(call, true);
    }
    if (sc.outputTranscription?.text && !this.dropping) {
      this.turn.appendTranscript(sc.outputTranscription.text);
      if (leaksInstructions(this.turn.transcript, call.leakPolicy)) this.withholdLeak(call);
    }
    for (const part of sc.modelTurn?.parts ?? []) {
      const audio = part.inlineData;
      if (audio?.data && audio.mimeType?.startsWith('audio/') && !this.dropping) this.playModelAudio(audio.data);
    }
    if (sc.turnComplete) this.completeTurn(call);
  }

  private onCallerAudio(payload: string): void {
    if (this.phase !== 'starting' && this.phase !== 'live') return;
    const started = performance.now();
    this.deps.metrics.framesIn++;
    const pcm = this.inbound.process(Buffer.from(payload, 'base64'));
    if (isVoiced(pcm)) this.lastVoicedAt = Date.now();
    if (this.call) this.call.link.sendAudio(pcm);
    else if (this.early.push(pcm) > EARLY_FRAMES) {
      this.early.shift();
      this.deps.metrics.framesDropped++;
    }
    this.deps.metrics.recordFrameProcessing(performance.now() - started);
  }

  private playModelAudio(base64: string): void {
    if (this.turn.startedAt === null) {
      this.turn.startedAt = Date.now();
      if (this.lastVoicedAt) this.deps.metrics.recordResponseLatency(this.turn.startedAt - this.lastVoicedAt);
    }
    const started = performance.now();
    this.sendFrames(this.outbound.process(Buffer.from(base64, 'base64')));
    this.deps.metrics.recordOutboundProcessing(performance.now() - started);
  }

  /** Frames then a mark: Twilio echoes the mark once everything before it was played. */
  private sendFrames(frames: Buffer[]): void {
    if (!frames.length) return;
    for (const f of frames)
      this.transport.send({ event: 'media', streamSid: this.streamSid, media: { payload: f.toString('base64') } });
    this.turn.framesSent += frames.length;
    this.deps.metrics.framesOut += frames.length;
    this.transport.send({ event: 'mark', streamSid: this.streamSid, mark: { name: this.turn.markName() } });
  }

  /** The caller spoke over the assistant: silence Twilio's buffer now, keep only what was heard. */
  private bargeIn(call: LiveCall): void {
    this.transport.send({ event: 'clear', streamSid: this.streamSid });
    this.outbound.clear();
    this.deps.metrics.bargeIns++;
    this.dropping = true;
    this.modelSpeaking = false;
    call.transcript.recordTurn(this.turn.heardTranscript(), true);
    this.turn = new AssistantTurn(++this.turnSeq);
  }

  private closeCallerTurn(call: LiveCall, live: boolean): void {
    if (!call.transcript.pendingCallerText) return;
    call.turns.closeCallerTurn(this.pendingCtaId, live);
    this.pendingCtaId = null;
  }

  /**
   * A fixed line (a rule's reply, a flow state's say) replaces the model's answer: what Twilio buffered of the answer
   * is cleared, the rest of that turn dropped, and the model asked to say the line as it is.
   */
  private speakLine(line: string): void {
    const call = this.call;
    if (!call || this.phase !== 'live') return;
    if (this.modelSpeaking) {
      this.transport.send({ event: 'clear', streamSid: this.streamSid });
      this.outbound.clear();
      this.dropping = true;
      this.turn = new AssistantTurn(++this.turnSeq);
    }
    call.link.sendText(`[Say exactly this to the caller, word for word, then listen: ${JSON.stringify(line)}]`);
  }

  /**
   * The call goes to a person: the model's answer stops, the hand-off is recorded (its webhook queued through the
   * outbox, as on chat), then the stream ends with outcome `handoff`, and the TwiML Twilio fetches next says the
   * hand-off line and dials the tenant's transfer number, or hangs up politely without one.
   */
  private async handOff(business: TenantConfig, reason: string): Promise<void> {
    const call = this.call;
    if (!call || this.phase !== 'live') return;
    this.phase = 'ending';
    this.transport.send({ event: 'clear', streamSid: this.streamSid });
    this.outbound.clear();
    this.dropping = true;
    this.turn = new AssistantTurn(++this.turnSeq);
    // The conversation up to the caller's request, as chat's webhook carries it (not the hand-off line itself).
    const history = call.transcript.recentLines.map((l) =>
      l.role === 'user' ? { role: 'user' as const, text: l.text } : { role: 'model' as const, text: l.text },
    );
    call.transcript.recordTurn(voiceHandoffLine(business.handoff), false);
    const { businessId, callSid } = call;
    const transfer = !!business.handoff.transferNumber;
    this.logger.log({ businessId, callSid, reason, transfer }, 'call handed off');
    await Promise.all([
      this.deps.handoffs
        .start({
          business,
          sessionId: callSid,
          channel: 'voice',
          reason,
          captured: call.state.captured,
          history,
        })
        .catch((err: Error) => this.logger.error({ businessId, err: err.message }, 'hand-off not recorded')),
      // Before the socket closes: Twilio asks what comes next as soon as the stream ends.
      this.deps.tickets
        .recordOutcome(businessId, callSid, 'handoff')
        .catch((err: Error) => this.logger.error({ businessId, err: err.message }, 'hand-off outcome not recorded')),
    ]);
    await this.end('handoff');
  }

  /**
   * The model's speech is leaking its instructions (its transcription runs alongside the audio): silence what Twilio
   * has buffered, drop the rest of the turn, keep the leaked words out of the transcript and the log, and have the
   * model say the safe line instead.
   */
  private withholdLeak(call: LiveCall): void {
    this.transport.send({ event: 'clear', streamSid: this.streamSid });
    this.outbound.clear();
    this.dropping = true;
    this.replacingLeak = true;
    const { businessId, callSid } = call;
    const turn = this.turn.seq;
    this.logger.warn({ event: 'voice_output_withheld', reason: 'instruction_leak', businessId, callSid, turn });
    this.turn = new AssistantTurn(++this.turnSeq);
    call.link.sendText(SAFE_LINE_PROMPT);
  }

  private completeTurn(call: LiveCall): void {
    this.modelSpeaking = false;
    this.closeCallerTurn(call, true);
    if (!this.dropping) {
      this.sendFrames(this.outbound.flush());
      const replaced = this.replacingLeak && !!this.turn.transcript;
      if (replaced) this.replacingLeak = false;
      call.transcript.recordTurn(this.turn.transcript, false, replaced ? 'leak' : undefined);
      this.turn = new AssistantTurn(++this.turnSeq);
    }
    this.dropping = false;
  }

  private onDigit(digit: string): void {
    const call = this.call;
    if (!call || this.phase !== 'live') return;
    const action = call.menu.press(digit);
    if (action.kind === 'ignore') return;
    if (action.kind === 'request') {
      this.pendingCtaId = action.ctaId;
      call.link.sendText(action.text);
      call.transcript.appendCallerRequest(action.text);
    } else {
      call.link.sendText(`[${action.prompt}]`);
    }
    if (action.ctaId) call.transcript.recordCta(action.ctaId);
  }

  /** The model is unreachable or broke: a short audible apology, then the stream ends and TwiML says the words. */
  private fail(why: string, err?: Error): void {
    if (this.phase === 'ending' || this.phase === 'ended') return;
    this.deps.metrics.modelFailures++;
    this.logger.warn({ businessId: this.call?.businessId, why, err: err?.message }, 'call failing');
    if (!this.call) return this.reject(why);
    this.apologiseAndEnd(this.call);
  }

  /** The apology clip, then the end of the stream with outcome `failed` (TwiML then apologises and hangs up). */
  private apologiseAndEnd(call: LiveCall): number {
    this.phase = 'ending';
    call.link.close();
    this.outbound.clear();
    this.transport.send({ event: 'clear', streamSid: this.streamSid });
    const clip = this.deps.apologyClip;
    for (let o = 0; o < clip.length; o += TWILIO_FRAME_BYTES) {
      this.transport.send({
        event: 'media',
        streamSid: this.streamSid,
        media: { payload: clip.subarray(o, o + TWILIO_FRAME_BYTES).toString('base64') },
      });
    }
    this.transport.send({ event: 'mark', streamSid: this.streamSid, mark: { name: APOLOGY_MARK } });
    // If Twilio never echoes the mark (caller gone), end anyway once the clip would have played.
    const playMs = Math.round(clip.length / 8) + 1500;
    this.timer(playMs, () => void this.end('failed'));
    return playMs;
  }

  private reject(reason: string): void {
    if (this.phase === 'ended') return;
    this.deps.metrics.rejectedSockets++;
    this.logger.warn({ reason }, 'media stream rejected');
    this.phase = 'ended';
    this.clearTimers();
    this.transport.close(WS_POLICY_VIOLATION, reason);
  }

  private end(outcome: CallOutcome, close = { code: WS_NORMAL, reason: 'call ended' }): Promise<void> {
    if (this.phase === 'ended') return this.settled();
    this.wrapUp = this.finish(outcome, close);
    this.deps.track(this.wrapUp);
    return this.wrapUp;
  }

  private async finish(outcome: CallOutcome, close: { code: number; reason: string }): Promise<void> {
    this.phase = 'ended';
    this.clearTimers();
    this.transport.close(close.code, close.reason);
    const call = this.call;
    if (!call) return;
    call.link.close();
    this.deps.metrics.callsActive--;
    if (this.forget) return;
    this.closeCallerTurn(call, false);
    const heard = this.turn.heardTranscript();
    if (heard) call.transcript.recordTurn(heard, this.turn.framesPlayed < this.turn.framesSent);
    await call.transcript.drained();
    await Promise.all([
      this.deps.tickets.recordOutcome(call.businessId, call.callSid, outcome),
      this.deps.sessions.save({ ...call.state, updatedAt: new Date().toISOString() }),
    ]).catch((err: Error) =>
      this.logger.error({ businessId: call.businessId, err: err.message }, 'call wrap-up failed'),
    );
    this.logger.log({ businessId: call.businessId, callSid: call.callSid, outcome }, 'call ended');
  }

  private timer(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms).unref();
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * The turn context's `metadata.from`, `metadata.to` and `metadata.callerCountry`: what Twilio's signed webhook said,
 * carried on the authenticated stream. Anything not shaped like a number or a country code is left out (withheld
 * caller ids arrive as "anonymous" or empty).
 */
function callerMetadata(params: Record<string, string>): SessionMetadata {
  const metadata: SessionMetadata = {};
  const from = params[STREAM_PARAM_FROM];
  const to = params[STREAM_PARAM_TO];
  const country = params[STREAM_PARAM_CALLER_COUNTRY];
  if (from && E164.test(from)) metadata.from = from;
  if (to && E164.test(to)) metadata.to = to;
  if (country && COUNTRY.test(country)) metadata.callerCountry = country;
  return metadata;
}

function isVoiced(pcmLittleEndian: Buffer): boolean {
  let acc = 0;
  let n = 0;
  for (let i = 0; i + 1 < pcmLittleEndian.length; i += 8, n++) {
    const s = pcmLittleEndian.readInt16LE(i);
    acc += s * s;
  }
  return n > 0 && Math.sqrt(acc / n) > VOICED_RMS;
}
