import { Logger } from '@nestjs/common';

import { captureLead } from 'src/conversation/lead-capture';
import type { SessionState } from 'src/conversation/session-state';
import { exposeVariants } from 'src/experiments/experiment-exposure';
import type { ExperimentAssignment } from 'src/experiments/experiments.types';
import type { TranscriptService, TurnRecord } from 'src/session/transcript.service';
import { buildTurnContext } from 'src/understanding/turn-context';
import type { MessageUnderstanding } from 'src/understanding/understanding.types';

export interface CallReading {
  understand(text: string): Promise<MessageUnderstanding>;
  timezone: string;
}

/**
 * The call's durable record: caller words (Gemini's input transcription) and assistant words (output transcription,
 * cut to what was heard on barge-in), written turn by turn in conversation order, and the lead fields the caller
 * said, captured with the chat engine's deterministic rules so CRM tools accept them.
 */
export class CallTranscript {
  private readonly logger = new Logger('CallTranscript');
  private callerText = '';
  private chain: Promise<void> = Promise.resolve();
  /** The call's variants (experiment id → variant id), recorded on every assistant message. */
  private variants: Record<string, string> | undefined;

  constructor(
    private readonly transcripts: TranscriptService,
    private readonly businessId: string,
    private readonly callSid: string,
    private readonly state: SessionState,
    private readonly defaultCountry: string,
    private readonly reading: CallReading,
  ) {}

  get pendingCallerText(): string {
    return this.callerText.trim();
  }

  appendCaller(text: string): void {
    this.callerText += text;
  }

  /** What the caller chose on the keypad counts as their words. */
  appendCallerRequest(text: string): void {
    this.callerText += `${this.callerText ? ' ' : ''}${text}`;
  }

  /** The caller hears the call's variants from the greeting on: exposed once per call (noted in the session state). */
  expose(assignments: readonly ExperimentAssignment[]): void {
    const exposure = exposeVariants(this.state, assignments);
    this.variants = exposure.meta.variants;
    this.write([], exposure.events);
  }

  /** Before a tool runs: the CRM only accepts details the caller actually said. */
  captureLead(): void {
    const text = this.callerText.trim();
    if (!text) return;
    const r = captureLead(text, this.state, { defaultCountry: this.defaultCountry, awaitingField: null });
    this.state.captured = r.captured;
    this.state.locks = r.locks;
    if (r.newlyLocked.length) this.write([], [{ type: 'lead_captured', payload: { fields: r.newlyLocked } }]);
  }

  /** `replaced`: the assistant's words stand in for speech withheld for that reason (as chat's `replaced`). */
  recordTurn(assistantText: string, interrupted: boolean, replaced?: 'leak'): void {
    this.captureLead();
    const caller = this.callerText.trim();
    this.callerText = '';
    const payload = {
      ...(interrupted ? { interrupted: true } : {}),
      ...(replaced ? { replaced } : {}),
      ...(this.variants ? { variants: this.variants } : {}),
    };
    const assistant: TurnRecord['messages'] = assistantText
      ? [{ role: 'assistant', content: assistantText, ...(Object.keys(payload).length ? { payload } : {}) }]
      : [];
    // The turn count as it stands now: the reading resolves later, inside the write chain.
    const turnCount = this.state.conversation.turnCount;
    if (assistantText) this.state.conversation.turnCount += 1;
    if (!caller)
      return this.write(
        assistant,
        assistant.map(() => ({ type: 'assistant_message' })),
      );
    // The caller's words are read (intent, sentiment) off the audio path; the rows still go out in call order.
    this.write(async () => {
      const understood = await this.reading.understand(caller);
      const context = buildTurnContext({
        message: caller,
        state: { ...this.state, conversation: { ...this.state.conversation, turnCount } },
        understanding: understood,
        timezone: this.reading.timezone,
      });
      const user: TurnRecord['messages'][number] = {
        role: 'user',
        content: caller,
        intent: context.intent,
        sentiment: context.sentiment,
      };
      return {
        messages: [user, ...assistant],
        events: [
          {
            type: 'user_message',
            payload: {
              intent: context.intent.name,
              intentConfidence: context.intent.confidence,
              sentiment: context.sentiment.label,
              sentimentScore: context.sentiment.score,
            },
          },
          ...assistant.map(() => ({ type: 'assistant_message' as const })),
        ],
      };
    });
  }

  recordCta(ctaId: string): void {
    this.write([], [{ type: 'cta_clicked', payload: { ctaId, via: 'dtmf' } }]);
  }

  /** Resolves once every write queued so far has finished. */
  drained(): Promise<void> {
    return this.chain;
  }

  /** Rows now, or a function producing them once earlier writes are done (so slow reads keep the call order). */
  private write(
    rowsOrLater: TurnRecord['messages'] | (() => Promise<Pick<TurnRecord, 'messages' | 'events'>>),
    events: TurnRecord['events'] = [],
  ): void {
    if (Array.isArray(rowsOrLater) && !rowsOrLater.length && !events.length) return;
    const rows = Array.isArray(rowsOrLater) ? () => Promise.resolve({ messages: rowsOrLater, events }) : rowsOrLater;
    // Serialised so transcript rows keep the order of the conversation.
    this.chain = this.chain
      .then(rows)
      .then(({ messages, events: turnEvents }) =>
        this.transcripts.recordTurn({
          businessId: this.businessId,
          sessionId: this.callSid,
          channel: 'voice',
          messages,
          events: turnEvents,
        }),
      )
      .catch((err: Error) =>
        this.logger.error({ businessId: this.businessId, err: err.message }, 'transcript write failed'),
      );
  }
}
