import { Logger } from '@nestjs/common';

import type { CapturedField } from 'src/conversation/captured-fields';
import type { SessionState } from 'src/conversation/session-state';
import { handoffReason } from 'src/handoff/handoff.service';
import type { RulesService } from 'src/rules/rules.service';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { buildTurnContext, type TurnContext } from 'src/understanding/turn-context';
import type { UnderstandingService } from 'src/understanding/understanding.service';
import type { CallerRows, CallTranscript } from 'src/voice/call/call-transcript';
import { type DtmfMenu, keypadSentence } from 'src/voice/call/dtmf-menu';

/** What a caller turn's decision does to the live call; CallSession owns the socket and the model link. */
export interface VoiceTurnActions {
  /** Speak this fixed line (a rule's reply, a flow state's `say`, keypad options included) instead of the model. */
  say(line: string): void;
  /** Context for the model's next answer, sent without asking for one. */
  instruct(text: string): void;
  /** Hand the call to a person (the hand-off row, its webhook, then transfer or a polite end). */
  handOff(reason: string): void;
}

export interface VoiceTurnDeps {
  rules: RulesService;
  understanding: UnderstandingService;
}

const FIELD_WORDS: Record<CapturedField, string> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'email address',
  phone: 'phone number',
  company: 'company',
};

/**
 * The conversation design on a call, one caller utterance at a time: the utterance is read (intent, sentiment),
 * the active flow moves, the rules for voice are evaluated over the turn context, and the decision acts on the call
 * as on chat — a `reply` or a flow state's `say` is spoken in place of the model's answer, CTAs become keypad
 * options, instructions steer the model's next answer, tags, metadata and flow position go into the session, and a
 * hand-off (by rule, the `human_handoff` intent or the negative streak) passes the call to a person.
 */
export class VoiceTurns {
  private readonly logger = new Logger('VoiceTurns');
  private handingOff = false;
  /**
   * Caller utterances so far: a call's `turn` counts what the caller said (1 for the first), not assistant turns,
   * since the spoken greeting is one of those and a rule on `turn == 1` should still see the caller's first words.
   */
  private utterances = 0;

  constructor(
    private readonly business: TenantConfig,
    private readonly state: SessionState,
    private readonly transcript: CallTranscript,
    private readonly menu: DtmfMenu,
    private readonly deps: VoiceTurnDeps,
    private readonly actions: VoiceTurnActions,
    /** The call's experiment variables (`variant`, `experiment.<id>`), for rules as on chat. */
    private readonly variables: Record<string, unknown> = {},
  ) {}

  /**
   * The caller's utterance is over (the model started answering it, or the call ended). `live` is false once the
   * call is ending: the turn is read and recorded, and nothing is done to the call.
   */
  closeCallerTurn(ctaId: string | null, live: boolean): void {
    const text = this.transcript.takeCaller();
    if (!text) return;
    // Counted now, in call order: the reading resolves later.
    const rows = this.run(text, ctaId, this.utterances++, live);
    this.transcript.recordCaller(rows);
  }

  private async run(text: string, ctaId: string | null, before: number, live: boolean): Promise<CallerRows> {
    const reading = await this.deps.understanding.understand(this.business, text);
    const context = buildTurnContext({
      message: text,
      state: { ...this.state, conversation: { ...this.state.conversation, turnCount: before } },
      understanding: reading,
      ctaId,
      timezone: this.business.timezone,
    });
    Object.assign(context, this.variables);
    this.menu.showWhen((node) => this.deps.rules.holds(node.when, context));
    const user: CallerRows['messages'][number] = {
      role: 'user',
      content: text,
      ...(ctaId ? { payload: { ctaId, via: 'dtmf' } } : {}),
      intent: context.intent,
      sentiment: context.sentiment,
    };
    const rows: CallerRows = {
      messages: [user],
      events: [
        {
          type: 'user_message',
          payload: {
            chars: text.length,
            ...(ctaId ? { ctaId } : {}),
            intent: context.intent.name,
            intentConfidence: context.intent.confidence,
            sentiment: context.sentiment.label,
            sentimentScore: context.sentiment.score,
          },
        },
      ],
    };
    try {
      this.decide(context, live);
    } catch (err) {
      // A design that fails at run time must not take the call down with it; the model answers as it would.
      this.logger.error({ businessId: this.business.businessId, err: (err as Error).message }, 'voice rules failed');
    }
    return rows;
  }

  private decide(context: TurnContext, live: boolean): void {
    const { rules } = this.deps;
    const position = rules.advance(this.business, this.state.conversation.flow ?? null, context);
    context.flow = position?.flow ?? null;
    context.state = position?.state ?? null;
    const flowTurn = rules.steer(this.business, position, rules.decide(this.business, context));
    const decision = flowTurn.decision;
    const meta = this.deps.rules.applyDecision(this.state, decision);
    this.state.conversation.flow = flowTurn.ended ? null : flowTurn.position;
    if (flowTurn.position) {
      meta.flow = flowTurn.position;
      if (flowTurn.ended) meta.flowEnded = true;
    }
    const negative = context.sentiment.label === 'negative';
    const streak = negative ? Number(this.state.metadata.negativeStreak ?? 0) + 1 : 0;
    this.state.metadata.negativeStreak = streak;
    const reason = decision.handoff
      ? `rule:${decision.handoff.reason}`
      : handoffReason(this.business, context.intent.name, streak);
    if (!live || this.handingOff) {
      if (Object.keys(meta).length) this.transcript.annotateNextAssistant(meta);
      return;
    }
    if (reason) {
      this.handingOff = true;
      this.state.metadata.negativeStreak = 0;
      this.transcript.annotateNextAssistant({ ...meta, handoff: { reason } });
      this.actions.handOff(reason);
      return;
    }
    if (Object.keys(meta).length) this.transcript.annotateNextAssistant(meta);
    const hidden = new Set(decision.hideCtas);
    const options = decision.showCtas.length
      ? this.menu.offer(decision.showCtas.filter((id) => !hidden.has(id)))
      : this.menu.offer([]);
    const keypad = keypadSentence(options);
    const steer = [...decision.instructions];
    if (decision.collect.length)
      steer.push(`Ask the caller for their ${decision.collect.map((f) => FIELD_WORDS[f]).join(', ')}.`);
    if (decision.reply) {
      this.actions.say(keypad ? `${decision.reply} ${keypad}` : decision.reply);
    } else if (keypad) steer.push(`After your answer, read the caller these keypad options: ${keypad}`);
    if (steer.length) this.actions.instruct(steer.join('\n'));
  }
}
