import { Logger } from '@nestjs/common';

import { captureLead } from 'src/conversation/lead-capture';
import type { SessionState } from 'src/conversation/session-state';
import { exposeVariants } from 'src/experiments/experiment-exposure';
import type { ExperimentAssignment } from 'src/experiments/experiments.types';
import type { TranscriptService, TurnRecord } from 'src/session/transcript.service';

/** The caller's row of one turn and its analytics events, once the words have been read (intent, sentiment). */
export type CallerRows = Pick<TurnRecord, 'messages' | 'events'>;

/** One line of the call as the hand-off summary carries it. */
export interface CallLine {
  role: 'user' | 'assistant';
  text: string;
}

/** Lines kept for the hand-off summary (the webhook carries the last 10). */
const RECENT_LINES = 10;

/**
 * The call's durable record: caller words (Gemini's input transcription) and assistant words (output transcription,
 * cut to what was heard on barge-in), written in conversation order, and the lead fields the caller said, captured
 * with the chat engine's deterministic rules so CRM tools accept them.
 */
export class CallTranscript {
  private readonly logger = new Logger('CallTranscript');
  private callerText = '';
  private chain: Promise<void> = Promise.resolve();
  /** What the rules did on the last caller turn, recorded with the next assistant row (as chat records it). */
  private assistantMeta: Record<string, unknown> = {};
  private readonly recent: CallLine[] = [];
  /** The call's variants (experiment id → variant id), recorded on every assistant message. */
  private variants: Record<string, string> | undefined;

  constructor(
    private readonly transcripts: TranscriptService,
    private readonly businessId: string,
    private readonly callSid: string,
    private readonly state: SessionState,
    private readonly defaultCountry: string,
  ) {}

  get pendingCallerText(): string {
    return this.callerText.trim();
  }

  /** The last lines of the call, oldest first. */
  get recentLines(): readonly CallLine[] {
    return this.recent;
  }

  appendCaller(text: string): void {
    this.callerText += text;
  }

  /** What the caller chose on the keypad counts as their words. */
  appendCallerRequest(text: string): void {
    this.callerText += `${this.callerText ? ' ' : ''}${text}`;
  }

  /** Before a tool runs: the CRM only accepts details the caller actually said. */
  captureLead(): void {
    const text = this.callerText.trim();
    if (!text) return;
    const r = captureLead(text, this.state, { defaultCountry: this.defaultCountry, awaitingField: null });
    this.state.captured = r.captured;
    this.state.locks = r.locks;
    if (r.newlyLocked.length)
      this.write(() => ({ messages: [], events: [{ type: 'lead_captured', payload: { fields: r.newlyLocked } }] }));
  }

  /**
   * Closes the caller's utterance: captures lead fields from it and returns its words ('' when none). The row is
   * written by `recordCaller` once the words are read.
   */
  takeCaller(): string {
    this.captureLead();
    const text = this.callerText.trim();
    this.callerText = '';
    if (text) this.remember({ role: 'user', text });
    return text;
  }

  /** The caller's row, in call order: later rows wait for it, and it waits for the reading (off the audio path). */
  recordCaller(rows: Promise<CallerRows>): void {
    this.write(() => rows);
  }

  /** The caller hears the call's variants from the greeting on: exposed once per call (noted in the session state). */
  expose(assignments: readonly ExperimentAssignment[]): void {
    const exposure = exposeVariants(this.state, assignments);
    this.variants = exposure.meta.variants;
    if (exposure.events.length) this.write(() => ({ messages: [], events: exposure.events }));
  }

  /** Merged into the payload of the next assistant row written. */
  annotateNextAssistant(meta: Record<string, unknown>): void {
    Object.assign(this.assistantMeta, meta);
  }

  /** `replaced`: the assistant's words stand in for speech withheld for that reason (as chat's `replaced`). */
  recordTurn(assistantText: string, interrupted: boolean, replaced?: 'leak'): void {
    if (!assistantText) return;
    this.state.conversation.turnCount += 1;
    this.remember({ role: 'assistant', text: assistantText });
    const own = {
      ...(interrupted ? { interrupted: true } : {}),
      ...(replaced ? { replaced } : {}),
      ...(this.variants ? { variants: this.variants } : {}),
    };
    // Read when the write runs: by then the caller row before it was read and its rules recorded their meta.
    this.write(() => {
      const payload = { ...this.assistantMeta, ...own };
      this.assistantMeta = {};
      return {
        messages: [{ role: 'assistant', content: assistantText, ...(Object.keys(payload).length ? { payload } : {}) }],
        events: [{ type: 'assistant_message' }],
      };
    });
  }

  recordCta(ctaId: string): void {
    this.write(() => ({ messages: [], events: [{ type: 'cta_clicked', payload: { ctaId, via: 'dtmf' } }] }));
  }

  /** Resolves once every write queued so far has finished. */
  drained(): Promise<void> {
    return this.chain;
  }

  private remember(line: CallLine): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
  }

  /** Rows produced once earlier writes are done, so a slow reading keeps the call order. */
  private write(rows: () => CallerRows | Promise<CallerRows>): void {
    // Serialised so transcript rows keep the order of the conversation.
    this.chain = this.chain
      .then(rows)
      .then(({ messages, events }) =>
        this.transcripts.recordTurn({
          businessId: this.businessId,
          sessionId: this.callSid,
          channel: 'voice',
          messages,
          events,
          // The session's tags as they stand when the row is written (rules may have added some).
          ...(this.state.conversation.tags?.length ? { tags: [...this.state.conversation.tags] } : {}),
        }),
      )
      .catch((err: Error) =>
        this.logger.error({ businessId: this.businessId, err: err.message }, 'transcript write failed'),
      );
  }
}
