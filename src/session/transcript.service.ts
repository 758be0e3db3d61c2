import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AnalyticsEventType } from 'src/session/entities/analytics-event.entity';
import type { MessageRole } from 'src/session/entities/message.entity';
import type { Channel } from 'src/session/session-state';
import { NewAnalyticsEvent, NewMessage, TranscriptRepository } from 'src/session/transcript.repository';

export interface TurnRecord {
  businessId: string;
  sessionId: string;
  channel: Channel;
  messages: NewMessage[];
  events: NewAnalyticsEvent[];
}

export interface TranscriptMessage {
  role: MessageRole;
  content: string;
  toolName: string | null;
  payload: Record<string, unknown> | null;
  createdAt: string;
}

export interface Transcript {
  channel: Channel;
  startedAt: string;
  lastMessageAt: string;
  messages: TranscriptMessage[];
}

/** Transcript rows returned per read; a session longer than this is summarized by the model anyway. */
const MAX_TRANSCRIPT_MESSAGES = 2000;

/**
 * The durable record of every turn (chat and voice), so a Redis eviction or restart loses nothing a tenant
 * may need. Each turn's messages and analytics events are written in one transaction.
 */
@Injectable()
export class TranscriptService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transcripts: TranscriptRepository,
  ) {}

  async recordTurn(turn: TurnRecord): Promise<void> {
    if (!turn.messages.length && !turn.events.length) return;
    await this.transcripts.appendTurn(turn.businessId, turn.sessionId, turn.channel, turn.messages, turn.events);
  }

  async get(businessId: string, sessionId: string): Promise<Transcript | null> {
    const conversation = await this.transcripts.findConversation(businessId, sessionId);
    if (!conversation) return null;
    const rows = await this.transcripts.listMessages(businessId, conversation.id, MAX_TRANSCRIPT_MESSAGES);
    return {
      channel: conversation.channel,
      startedAt: conversation.startedAt.toISOString(),
      lastMessageAt: conversation.lastMessageAt.toISOString(),
      messages: rows.map((m) => ({
        role: m.role,
        content: m.content,
        toolName: m.toolName,
        payload: m.payload,
        createdAt: m.createdAt.toISOString(),
      })),
    };
  }

  countEvents(businessId: string, sessionId: string, type: AnalyticsEventType): Promise<number> {
    return this.transcripts.countEvents(businessId, sessionId, type);
  }

  /** Forgets the session's conversation, messages and analytics events. True when anything was there. */
  delete(businessId: string, sessionId: string): Promise<boolean> {
    return this.dataSource.transaction((em) => this.transcripts.deleteSession(businessId, sessionId, em));
  }
}
