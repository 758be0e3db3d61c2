import type { AnalyticsEventType } from 'src/session/entities/analytics-event.entity';
import type { NewAnalyticsEvent, NewMessage } from 'src/session/transcript.repository';

/** Collects one turn's transcript rows and analytics events, written together at the end of the turn. */
export class TurnRecord {
  readonly messages: NewMessage[] = [];
  readonly events: NewAnalyticsEvent[] = [];
  /** When the turn began (performance clock), for the reply latency recorded on its assistant message. */
  readonly startedAt = performance.now();

  /** `reading`: the message's intent and sentiment, stored in their own columns. */
  user(content: string, payload?: Record<string, unknown>, reading?: Pick<NewMessage, 'intent' | 'sentiment'>): void {
    this.messages.push({ role: 'user', content, ...(payload ? { payload } : {}), ...(reading ?? {}) });
  }

  assistant(content: string, payload?: Record<string, unknown>): void {
    this.messages.push({ role: 'assistant', content, ...(payload ? { payload } : {}) });
  }

  tool(name: string, payload: Record<string, unknown>): void {
    this.messages.push({ role: 'tool', content: `${name} called`, toolName: name, payload });
  }

  event(type: AnalyticsEventType, payload: Record<string, unknown> = {}): void {
    this.events.push({ type, payload });
  }
}
