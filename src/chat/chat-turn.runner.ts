import { Injectable, Logger } from '@nestjs/common';

import { unansweredReason } from 'src/analytics/unanswered-signal';
import { ChatReply, ChatTurnInput } from 'src/chat/chat-turn.types';
import { LlmProvider, LlmRequest, LlmResponse, LlmTurn } from 'src/chat/llm-provider.port';
import { askedField } from 'src/chat/pipeline/asked-field';
import type { CtaOutcome } from 'src/chat/pipeline/cta-navigation.step';
import { CtaSelection, type CtaSources } from 'src/chat/pipeline/cta-selection';
import { GroundingStep, sourcesOf } from 'src/chat/pipeline/grounding.step';
import { applyHardGuards, isIntroToken } from 'src/chat/pipeline/hard-guards.step';
import { appendWithinWindow, contextTurns } from 'src/chat/pipeline/history-window';
import { DEFAULT_MAX_REPLY_CHARS, ReplyPolicy, validateReply } from 'src/chat/pipeline/response-validator';
import { recoverSession } from 'src/chat/pipeline/session-recovery';
import { joinTexts, ToolLoop, ToolLoopOutcome } from 'src/chat/pipeline/tool-loop';
import { CachedReply, ResponseCache } from 'src/chat/response-cache/response-cache';
import { cacheBypass } from 'src/chat/response-cache/response-cache.eligibility';
import { assertChatMayLoad } from 'src/chat/session-access';
import { SafeDeltaEmitter } from 'src/chat/streaming/safe-delta-emitter';
import { isUnavailableError } from 'src/common/errors/infra.errors';
import { AppConfig } from 'src/config/app-config.service';
import { knowledgeBlock } from 'src/conversation/knowledge-excerpts';
import { captureLead, missingFields } from 'src/conversation/lead-capture';
import { mergeMetadata } from 'src/conversation/session-metadata';
import { newSessionState, SessionState } from 'src/conversation/session-state';
import { SystemInstructionBuilder } from 'src/conversation/system-instruction.builder';
import { exposeVariants, turnVariables, variantKey } from 'src/experiments/experiment-exposure';
import type { ExperimentAssignment } from 'src/experiments/experiments.types';
import { HANDED_OFF_NOTE, handoffMessage, handoffReason } from 'src/handoff/handoff.service';
import { HandoffGate } from 'src/handoff/handoff-gate.port';
import { retrievalQuery } from 'src/rag/search/retrieval-query';
import { RulesService } from 'src/rules/rules.service';
import type { TurnDecision } from 'src/rules/rules.types';
import type { HeldLock } from 'src/session/session-store.port';
import { TranscriptStore } from 'src/session/transcript-store.port';
import { TurnRecord } from 'src/session/turn-record';
import { type CtaNode, entryCtas } from 'src/tenant/cta-tree';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { buildTurnContext, type TurnContext } from 'src/understanding/turn-context';
import { UnderstandingService } from 'src/understanding/understanding.service';
import type { MessageUnderstanding } from 'src/understanding/understanding.types';

export const PROVIDER_FALLBACK =
  "I'm sorry, I'm having trouble answering right now. Please try again in a moment, or leave your email and the team will get back to you.";

/** A request that passed every check that can reject it; running it is what writes. */
export interface PreparedTurn {
  business: TenantConfig;
  input: ChatTurnInput;
  cta: CtaOutcome;
  /** The session's variant in each running experiment; `business` already carries their overrides. */
  experiments?: ExperimentAssignment[];
  /** False when no valid session token came with the request: only a session that does not exist yet may run. */
  mayContinue: boolean;
  /** Returned with the reply so the client can continue the session. */
  sessionToken: string;
}

/** A turn inside its session lock: the lock reads and writes the session. */
interface LockedTurn extends PreparedTurn {
  lock: HeldLock;
}

export interface TurnSink {
  delta?(text: string): void;
}

/** Reads a turn starts before it holds its session lock (see ChatService), so they cost no round trip of their own. */
export interface ReadAhead {
  /** Null when only the durable record knows: the turn then asks under the lock. */
  handedOff: Promise<boolean | null>;
}

interface Outgoing extends CtaSources {
  text: string;
  /** The greeting a new session's first message gets before its answer (see `greetsAndAnswers`). */
  greeting?: string;
  ctas: CtaNode[] | undefined;
  sources?: ChatReply['sources'];
  meta: Record<string, unknown>;
  /** Already validated against the model policy (and streamed) by the model path. */
  modelReply?: boolean;
  greetingStreamed?: boolean;
}

const GREETING_SEPARATOR = '\n\n';

/**
 * A new session's first message gets the greeting; when it is more than a hello ("What are your prices?"), it gets
 * the greeting and an answer in one reply. A bare greeting ("hey there") gets the greeting alone, as before.
 */
function greetsAndAnswers(context: TurnContext): boolean {
  return context.intent.name !== 'greeting';
}

function withUnanswered(reason: string | null): Record<string, unknown> {
  return reason ? { unanswered: reason } : {};
}

/** The reading as analytics events carry it: flat, so event queries can group by it. */
function readingEvent(reading: MessageUnderstanding): Record<string, unknown> {
  return {
    intent: reading.intent.name,
    intentConfidence: reading.intent.confidence,
    sentiment: reading.sentiment.label,
    sentimentScore: reading.sentiment.score,
  };
}

/**
 * One chat turn, run while the session lock is held: load the session, CTA navigation, hard guards, lead capture,
 * then the grounded model call with tools, validation, CTAs, and persistence of session, transcript and analytics.
 */
@Injectable()
export class ChatTurnRunner {
  private readonly logger = new Logger('ChatTurnRunner');

  constructor(
    private readonly transcripts: TranscriptStore,
    private readonly llm: LlmProvider,
    private readonly instructions: SystemInstructionBuilder,
    private readonly grounding: GroundingStep,
    private readonly tools: ToolLoop,
    private readonly config: AppConfig,
    private readonly understanding: UnderstandingService,
    private readonly cache: ResponseCache,
    private readonly handoffs: HandoffGate,
    private readonly rules: RulesService,
    private readonly ctas: CtaSelection,
  ) {}

  /**
   * Requested right after the session lock: whether the session is with a person (one Redis GET otherwise). Only what
   * is known without writing, since the lock may not be ours yet.
   */
  readAhead(turn: PreparedTurn): ReadAhead {
    const handedOff = this.handoffs.knownHandedOff(turn.business.businessId, turn.input.sessionId);
    // Unused when the lock was contended or the turn is a menu click; a failure then must not go unhandled.
    handedOff.catch(() => undefined);
    return { handedOff };
  }

  /** `ahead`: reads made with the lock, when the lock was free; missing ones are made during the turn. */
  async run(prepared: PreparedTurn, lock: HeldLock, sink: TurnSink = {}, ahead?: ReadAhead): Promise<ChatReply> {
    const turn: LockedTurn = { ...prepared, lock };
    const { business, input, cta } = turn;
    const text = cta.kind === 'send' ? cta.message : input.message.trim();
    // Read while the session loads (with Gemini it is a network call); a menu click carries no words of the visitor.
    const reading = cta.kind === 'reply' ? null : this.understanding.understand(business, text);
    reading?.catch(() => undefined);
    let state = await this.loadSession(turn);
    const record = new TurnRecord();
    // Stored with the message that sent it, so a session rebuilt from the transcript has it too.
    const sent = input.metadata && Object.keys(input.metadata).length ? { metadata: input.metadata } : {};
    if (cta.kind !== 'none') {
      record.event('cta_clicked', { ctaId: cta.node.id, action: cta.node.action });
      this.ctas.follow(business, state, cta.node.id);
      // A button click means the visitor already saw the widget's greeting and buttons.
      state.conversation.greeted = true;
    }
    if (cta.kind === 'reply') {
      this.applyMetadata(state, input);
      record.user(cta.node.label, { ctaId: cta.node.id, ...sent });
      return this.finish(turn, state, record, sink, { text: cta.text, ctas: cta.ctas, meta: { cta: cta.node.id } });
    }

    const understood = await reading!;
    const ctaId = cta.kind === 'send' ? cta.node.id : undefined;
    record.user(text, ctaId || sent.metadata ? { ...(ctaId ? { ctaId } : {}), ...sent } : undefined, {
      intent: { name: understood.intent.name, confidence: understood.intent.confidence },
      sentiment: understood.sentiment,
    });
    record.event('user_message', { chars: text.length, ...(ctaId ? { ctaId } : {}), ...readingEvent(understood) });

    if (isIntroToken(text)) state = resetConversation(state);
    else this.capture(state, text, business, record);
    this.applyMetadata(state, input);
    const context = buildTurnContext({
      message: text,
      state,
      understanding: understood,
      ctaId,
      timezone: business.timezone,
    });
    Object.assign(context, turnVariables(turn.experiments ?? []));

    const position = this.rules.advance(business, state.conversation.flow ?? null, context);
    context.flow = position?.flow ?? null;
    context.state = position?.state ?? null;
    const flowTurn = this.rules.steer(business, position, this.rules.decide(business, context));
    const decision = flowTurn.decision;
    const ruleMeta = this.rules.applyDecision(state, decision);
    // The position is recorded with every reply while a flow is active, so a rebuilt session resumes it.
    state.conversation.flow = flowTurn.ended ? null : flowTurn.position;
    if (flowTurn.position) {
      ruleMeta.flow = flowTurn.position;
      if (flowTurn.ended) ruleMeta.flowEnded = true;
    }

    const handoff = await this.handoffTurn(business, state, context, decision, ahead?.handedOff ?? null);
    if (handoff) {
      state.conversation.greeted = true;
      return this.finish(turn, state, record, sink, { ...handoff, meta: { ...handoff.meta, ...ruleMeta } });
    }

    const defaultLink = this.config.get('DEFAULT_APPOINTMENT_LINK');
    let guard = applyHardGuards(business, text, state.conversation.greeted, defaultLink);
    let greeting: string | undefined;
    if (guard?.guard === 'first_message' && (greetsAndAnswers(context) || decision.reply)) {
      // The question is answered in the same reply as the greeting, instead of being lost behind it.
      greeting = guard.text;
      guard = applyHardGuards(business, text, true, defaultLink);
    }
    if (decision.reply) {
      // A rule's reply is the tenant's own answer: it wins over the generic guards and never reaches the model.
      state.conversation.greeted = true;
      return this.finish(turn, state, record, sink, {
        text: decision.reply,
        greeting,
        ctas: greeting ? entryCtas(business.ctaTree ?? {}) : undefined,
        decision,
        context,
        meta: { ...ruleMeta, ...(greeting ? { greeted: true } : {}) },
      });
    }
    if (guard) {
      state.conversation.greeted = true;
      return this.finish(turn, state, record, sink, {
        text: guard.text,
        greeting,
        ctas: guard.ctas,
        decision,
        context,
        meta: { guard: guard.guard, ...ruleMeta, ...(greeting ? { greeted: true } : {}) },
      });
    }
    state.conversation.greeted = true;
    return this.modelTurn(turn, state, record, sink, context, greeting, decision, ruleMeta);
  }

  /**
   * A session with a person gets no model reply (as Intercom and Chatwoot keep their bot out of a conversation
   * assigned to an agent): the message is recorded for the team and answered with a short note. Otherwise the turn
   * may start the hand-off: a rule's `handoff` action, the human_handoff intent, or `handoff.afterNegativeTurns`
   * negative messages in a row.
   */
  private async handoffTurn(
    business: TenantConfig,
    state: SessionState,
    context: TurnContext,
    decision: TurnDecision,
    knownHandedOff: Promise<boolean | null> | null,
  ): Promise<Outgoing | null> {
    const negative = context.sentiment.label === 'negative';
    const streak = negative ? Number(state.metadata.negativeStreak ?? 0) + 1 : 0;
    state.metadata.negativeStreak = streak;
    const known = await knownHandedOff;
    if (known ?? (await this.handoffs.isHandedOff(business.businessId, state.sessionId)))
      return { text: HANDED_OFF_NOTE, ctas: [], meta: { handedOff: true } };
    const reason = decision.handoff
      ? `rule:${decision.handoff.reason}`
      : handoffReason(business, context.intent.name, streak);
    if (!reason) return null;
    await this.handoffs.start({
      business,
      sessionId: state.sessionId,
      channel: 'chat',
      reason,
      captured: state.captured,
      history: [...state.history, { role: 'user', text: context.message }],
    });
    state.metadata.negativeStreak = 0;
    return { text: handoffMessage(business), ctas: [], meta: { handoff: { reason } } };
  }

  private applyMetadata(state: SessionState, input: ChatTurnInput): void {
    if (input.metadata) state.clientMetadata = mergeMetadata(state.clientMetadata, input.metadata);
  }

  /**
   * The live session; else one rebuilt from the durable transcript (after an eviction); else a new one. An existing
   * session is refused here, before anything is written, unless the request may continue it (see ChatSessionAccess).
   */
  private async loadSession({ business, input: { sessionId }, mayContinue, lock }: LockedTurn): Promise<SessionState> {
    const live = await lock.load();
    if (live) {
      assertChatMayLoad(live.conversation.channel, mayContinue);
      return live;
    }
    const transcript = await this.transcripts.get(business.businessId, sessionId);
    if (!transcript) return newSessionState(business.businessId, sessionId, 'chat');
    assertChatMayLoad(transcript.channel, mayContinue);
    this.logger.log(
      { businessId: business.businessId, messages: transcript.messages.length },
      'session rebuilt from transcript',
    );
    return recoverSession(
      business.businessId,
      sessionId,
      transcript,
      business.defaultCountry || 'US',
      this.config.get('MAX_HISTORY_TURNS'),
    );
  }

  private capture(state: SessionState, text: string, business: TenantConfig, record: TurnRecord): void {
    const lead = captureLead(text, state, {
      defaultCountry: business.defaultCountry || 'US',
      awaitingField: state.conversation.awaitingField,
    });
    state.captured = lead.captured;
    state.locks = lead.locks;
    if (lead.newlyLocked.length || lead.corrected.length) {
      // Field names only: the values are PII and already live in the session and transcript.
      record.event('lead_captured', { fields: lead.newlyLocked, corrected: lead.corrected });
    }
  }

  private async modelTurn(
    turn: LockedTurn,
    state: SessionState,
    record: TurnRecord,
    sink: TurnSink,
    context: TurnContext,
    greeting: string | undefined,
    decision: TurnDecision,
    ruleMeta: Record<string, unknown>,
  ): Promise<ChatReply> {
    const { business } = turn;
    const text = context.message;
    const profile = state.conversation.profile;
    // Protected: the instructions without the visitor's own details, which the reply may legitimately echo.
    const protectedText = this.instructions.protectedText(business, 'chat', profile);
    const policy: ReplyPolicy = { protectedText, canary: this.instructions.canary, maxChars: DEFAULT_MAX_REPLY_CHARS };
    const missing = missingFields(state.locks);
    const userTurn: LlmTurn = { role: 'user', text };
    // A rule that fired or a prompt profile shapes this visitor's reply, so such a turn is neither served nor stored.
    const shaped = decision.fired.length > 0 || Boolean(profile);
    const cacheKey =
      shaped || cacheBypass(state)
        ? null
        : await this.cache.keyFor(business, text, 'chat', variantKey(turn.experiments ?? []));
    const cached = cacheKey ? await this.cache.lookup(cacheKey) : null;
    if (cached)
      return this.cachedTurn(turn, state, record, sink, { cached, greeting, policy, missing, userTurn, context });
    const [passages, declarations] = await Promise.all([
      this.grounding.retrieve(business, retrievalQuery(text, business.businessName)),
      this.tools.declarations(business.businessId),
    ]);
    const instruction = withRuleInstructions(
      this.instructions.build(business, state.captured, 'chat', profile),
      decision,
    );
    const request: LlmRequest = {
      systemInstruction: `${instruction}\n\n${knowledgeBlock(passages)}`,
      turns: [...contextTurns(state), userTurn],
      tools: declarations,
      grounding: {
        passages,
        captured: state.captured,
        missing,
        businessName: business.businessName,
        crm: state.crm,
        intent: context.intent.name,
      },
    };
    // The greeting streams first; the model's deltas follow it, so the deltas add up to the final reply.
    if (greeting) sink.delta?.(`${greeting}${GREETING_SEPARATOR}`);
    const emitter = sink.delta ? new SafeDeltaEmitter(policy, sink.delta) : null;
    let outcome: ToolLoopOutcome;
    try {
      outcome = await this.tools.run(
        request,
        {
          businessId: business.businessId,
          sessionId: state.sessionId,
          channel: 'chat',
          captured: state.captured,
          crm: state.crm,
        },
        emitter ? this.streamingCall(emitter) : (req) => this.llm.generate(req),
      );
    } catch (err) {
      // Our own database or Redis being down fails the turn (503): answering would drop the turn's writes.
      if (isUnavailableError(err)) throw err;
      // The turn is kept out of the model history, so a failed call never corrupts later context.
      this.logger.warn(
        { businessId: business.businessId, err: (err as Error).message },
        'model call failed; sent fallback',
      );
      state.metadata.lastProviderError = new Date().toISOString();
      return this.finish(turn, state, record, sink, {
        text: PROVIDER_FALLBACK,
        greeting,
        // Already streamed with the model's deltas, so only the fallback text remains to be sent.
        greetingStreamed: true,
        ctas: undefined,
        decision,
        context,
        meta: { fallback: 'provider_error' },
      });
    }

    for (const execution of outcome.executions)
      record.tool(execution.name, { args: execution.args, result: execution.result });
    state.crm = outcome.crm;
    const validated = validateReply(outcome.text, policy);
    emitter?.finish(validated.text);
    const modelTurns = outcome.turns.map((t, i) =>
      i === outcome.turns.length - 1 && t.role === 'model' ? { ...t, text: validated.text } : t,
    );
    const window = await appendWithinWindow(
      state,
      [userTurn, ...modelTurns],
      this.config.get('MAX_HISTORY_TURNS'),
      (prev, turns) => this.llm.summarize(prev, turns),
    );
    state.history = window.history;
    state.summary = window.summary;
    state.metadata.provider = outcome.final.provider;
    if (outcome.final.provider === 'offline') {
      state.metadata.offline = true;
      state.metadata.offlineReplies = Number(state.metadata.offlineReplies ?? 0) + 1;
    }
    state.conversation.awaitingField = askedField(validated.text, missing);
    // Once more after the model, for CTA actions only: the turn may have captured fields a rule's buttons depend on.
    const after = this.rules.decide(business, { ...context, captured: { ...state.captured } });
    const ctaDecision = {
      ...decision,
      showCtas: [...new Set([...decision.showCtas, ...after.showCtas])],
      hideCtas: [...decision.hideCtas, ...after.hideCtas],
    };
    const fired = [...new Set([...decision.fired, ...after.fired])];
    const sources = sourcesOf(passages);
    const reply = await this.finish(turn, state, record, sink, {
      text: validated.text,
      greeting,
      ctas: greeting ? [...entryCtas(business.ctaTree ?? {})] : undefined,
      decision: ctaDecision,
      context,
      suggestions: this.ctas.suggest(business, context),
      sources,
      meta: {
        provider: outcome.final.provider,
        ...ruleMeta,
        ...(fired.length ? { rules: fired } : {}),
        ...(validated.replaced ? { replaced: validated.replaced } : {}),
        ...withUnanswered(
          unansweredReason({ intent: context.intent.name, passages: passages.length, reply: validated.text }),
        ),
        // A cache miss: the turn could have been served from the cache (`cached: true` on a hit, absent when bypassed).
        ...(cacheKey ? { cached: false } : {}),
      },
      modelReply: true,
    });
    // Only a plain answer is reused: a tool call acted for this visitor, an offline or replaced reply is a stopgap.
    if (cacheKey && !outcome.executions.length && outcome.final.provider !== 'offline' && !validated.replaced) {
      await this.cache.save(cacheKey, { text: validated.text, sources, provider: outcome.final.provider });
    }
    return reply;
  }

  /**
   * A response-cache hit: the stored reply instead of retrieval and the model, validated again under today's policy,
   * then recorded in history, transcript and analytics like a model reply; CTAs are computed for this session.
   */
  private async cachedTurn(
    turn: LockedTurn,
    state: SessionState,
    record: TurnRecord,
    sink: TurnSink,
    hit: {
      cached: CachedReply;
      greeting?: string;
      policy: ReplyPolicy;
      missing: ReturnType<typeof missingFields>;
      userTurn: LlmTurn;
      context: TurnContext;
    },
  ): Promise<ChatReply> {
    const { cached, greeting } = hit;
    const validated = validateReply(cached.text, hit.policy);
    if (greeting) sink.delta?.(`${greeting}${GREETING_SEPARATOR}`);
    sink.delta?.(validated.text);
    const window = await appendWithinWindow(
      state,
      [hit.userTurn, { role: 'model', text: validated.text }],
      this.config.get('MAX_HISTORY_TURNS'),
      (prev, turns) => this.llm.summarize(prev, turns),
    );
    state.history = window.history;
    state.summary = window.summary;
    state.metadata.provider = cached.provider;
    state.conversation.awaitingField = askedField(validated.text, hit.missing);
    return this.finish(turn, state, record, sink, {
      text: validated.text,
      greeting,
      ctas: greeting ? [...entryCtas(turn.business.ctaTree ?? {})] : undefined,
      context: hit.context,
      suggestions: this.ctas.suggest(turn.business, hit.context),
      sources: cached.sources,
      meta: {
        provider: cached.provider,
        cached: true,
        ...(validated.replaced ? { replaced: validated.replaced } : {}),
      },
      modelReply: true,
    });
  }

  /** Streams each model call's deltas; the raw text so far spans every call of the tool loop, as in /chat. */
  private streamingCall(emitter: SafeDeltaEmitter): (request: LlmRequest, iteration: number) => Promise<LlmResponse> {
    const texts: string[] = [];
    return async (request, iteration) => {
      let current = '';
      for await (const event of this.llm.stream(request)) {
        if (event.type === 'delta') {
          current += event.text;
          emitter.update(joinTexts([...texts.slice(0, iteration), current]));
        } else {
          texts[iteration] = event.response.text;
          return event.response;
        }
      }
      throw new Error('model stream ended without a final response');
    };
  }

  private async finish(
    turn: LockedTurn,
    state: SessionState,
    record: TurnRecord,
    sink: TurnSink,
    out: Outgoing,
  ): Promise<ChatReply> {
    const { business, input } = turn;
    // Guard and menu texts come from tenant config, but every reply passes the same validator.
    const body = out.modelReply
      ? out.text
      : validateReply(out.text, {
          protectedText: '',
          canary: this.instructions.canary,
          maxChars: DEFAULT_MAX_REPLY_CHARS,
        }).text;
    if (!out.modelReply && sink.delta) {
      sink.delta(out.greeting && !out.greetingStreamed ? `${out.greeting}${GREETING_SEPARATOR}${body}` : body);
    }
    const text = out.greeting ? `${out.greeting}${GREETING_SEPARATOR}${body}` : body;
    // Only a model reply asks for a lead field; after a menu or guard reply the next message is not an answer to one.
    if (!out.modelReply) state.conversation.awaitingField = null;
    const ctas = this.ctas.select(business, state, out, input.ctaId);
    state.conversation.turnCount += 1;
    state.updatedAt = new Date().toISOString();
    // An active flow rides on every reply (menu clicks included), so session recovery never loses it.
    const flow = state.conversation.flow && !out.meta.flow ? { flow: state.conversation.flow } : {};
    // Time from the request to the stored reply: what the visitor waited for (streamed replies began earlier).
    const latencyMs = Math.round(performance.now() - record.startedAt);
    const sources = out.sources?.length ? { sources: out.sources } : {};
    const exposure = exposeVariants(state, turn.experiments ?? []);
    for (const event of exposure.events) record.event(event.type, event.payload);
    record.assistant(text, {
      ...out.meta,
      ...exposure.meta,
      ...flow,
      latencyMs,
      ...sources,
      ...(ctas.length ? { ctas: ctas.map((c) => c.id) } : {}),
      // The open menu rides on every reply while it is open, so a session rebuilt from the transcript keeps it.
      ...(state.conversation.currentCtaId ? { menu: state.conversation.currentCtaId } : {}),
    });
    record.event('assistant_message', { chars: text.length, latencyMs, ...out.meta, ...exposure.meta });
    await this.transcripts.recordTurn({
      businessId: business.businessId,
      sessionId: input.sessionId,
      channel: 'chat',
      messages: record.messages,
      events: record.events,
      tags: state.conversation.tags ?? [],
    });
    await turn.lock.save(state);
    const reply: ChatReply = { response: text, session_id: input.sessionId, session_token: turn.sessionToken };
    if (ctas.length) reply.ctas = ctas;
    if (out.sources?.length) reply.sources = out.sources;
    return reply;
  }
}

const FIELD_WORDS: Record<string, string> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'email address',
  phone: 'phone number',
  company: 'company',
};

/** The turn's rule instructions (and fields to collect) appended after the business's own, for this turn only. */
function withRuleInstructions(instruction: string, decision: TurnDecision): string {
  const lines = [...decision.instructions];
  if (decision.collect.length)
    lines.push(`Ask the visitor for their ${decision.collect.map((f) => FIELD_WORDS[f] ?? f).join(', ')}.`);
  return lines.length ? `${instruction}\n\nFOR THIS TURN:\n${lines.map((l) => `- ${l}`).join('\n')}` : instruction;
}

/** Intro tokens start the conversation over; what the visitor told us and the CRM links are kept. */
function resetConversation(state: SessionState): SessionState {
  const fresh = newSessionState(state.businessId, state.sessionId, 'chat');
  return {
    ...fresh,
    captured: state.captured,
    locks: state.locks,
    crm: state.crm,
    metadata: state.metadata,
    clientMetadata: state.clientMetadata,
    createdAt: state.createdAt,
  };
}
