import { Logger } from '@nestjs/common';

import { captureLead } from 'src/conversation/lead-capture';
import type { SessionState } from 'src/conversation/session-state';
import type { TranscriptService, TurnRecord } from 'src/session/transcript.service';

/**
 * The call's durable record: caller words (Gemini's input transcription) and assistant words (output transcription,
 * cut to what was heard on barge-in), written turn by turn in conversation order, and the lead fields the caller
 * said, captured with the chat engine's deterministic rules so CRM tools accept them.
 */
export class CallTranscript {
  private readonly logger = new Logger('CallTranscript');
  private callerText = '';
  private chain: Promise<void> = Promise.resolve();

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
    if (r.newlyLocked.length) this.write([], [{ type: 'lead_captured', payload: { fields: r.newlyLocked } }]);
  }

  /** `replaced`: the assistant's words stand in for speech withheld for that reason (as chat's `replaced`). */
  recordTurn(assistantText: string, interrupted: boolean, replaced?: 'leak'): void {
    this.captureLead();
    const caller = this.callerText.trim();
    this.callerText = '';
    const messages: TurnRecord['messages'] = [];
    if (caller) messages.push({ role: 'user', content: caller });
    const payload = { ...(interrupted ? { interrupted: true } : {}), ...(replaced ? { replaced } : {}) };
    if (assistantText) {
      messages.push({ role: 'assistant', content: assistantText, ...(Object.keys(payload).length ? { payload } : {}) });
    }
    this.write(
      messages,
      messages.map((m) => ({ type: m.role === 'user' ? 'user_message' : 'assistant_message' })),
    );
  }

  recordCta(ctaId: string): void {
    this.write([], [{ type: 'cta_clicked', payload: { ctaId, via: 'dtmf' } }]);
  }

  /** Resolves once every write queued so far has finished. */
  drained(): Promise<void> {
    return this.chain;
  }

  private write(messages: TurnRecord['messages'], events: TurnRecord['events']): void {
    if (!messages.length && !events.length) return;
    const turn: TurnRecord = {
      businessId: this.businessId,
      sessionId: this.callSid,
      channel: 'voice',
      messages,
      events,
    };
    // Serialised so transcript rows keep the order of the conversation.
    this.chain = this.chain
      .then(() => this.transcripts.recordTurn(turn))
      .catch((err: Error) =>
        this.logger.error({ businessId: this.businessId, err: err.message }, 'transcript write failed'),
      );
  }
}
