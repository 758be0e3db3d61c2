import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';

import { GroupCommit } from 'src/common/batching/group-commit';
import type { Channel } from 'src/conversation/session-state';
import type { AnalyticsEventType } from 'src/session/entities/analytics-event.entity';
import type { ConversationEntity } from 'src/session/entities/conversation.entity';
import { SessionKey, TranscriptRepository } from 'src/session/transcript.repository';
import { type Transcript, TranscriptStore, type TurnRecord } from 'src/session/transcript-store.port';

export type { Transcript, TranscriptMessage, TurnRecord } from 'src/session/transcript-store.port';

/** Transcript rows returned per read; a session longer than this is summarized by the model anyway. */
const MAX_TRANSCRIPT_MESSAGES = 2000;
/** Sessions per batched statement (writes and lookups), and writes at once (the pool serves every other query too). */
const SESSIONS_PER_STATEMENT = 64;
const WRITES_IN_FLIGHT = 2;

/**
 * The durable record of every turn (chat and voice), so a Redis eviction or restart loses nothing a tenant
 * may need. Each turn's messages and analytics events are written atomically, and concurrent turns of different
 * sessions share one statement (group commit): one round trip per busy moment rather than per turn.
 */
@Injectable()
export class TranscriptService extends TranscriptStore implements BeforeApplicationShutdown {
  private readonly writer: GroupCommit<TurnRecord>;
  /** Batches the conversation lookups of concurrent first turns into one query; never caches (rows change). */
  private readonly conversations: DataLoader<SessionKey, ConversationEntity | null, string>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transcripts: TranscriptRepository,
  ) {
    super();
    this.writer = new GroupCommit<TurnRecord>({
      writeMany: (turns) => this.transcripts.appendTurns(turns),
      keyOf: sessionKeyOf,
      maxBatch: SESSIONS_PER_STATEMENT,
      maxInFlight: WRITES_IN_FLIGHT,
    });
    this.conversations = new DataLoader(
      async (keys) => {
        const rows = await this.transcripts.findConversations([...keys]);
        const byKey = new Map(rows.map((c) => [sessionKeyOf(c), c]));
        return keys.map((k) => byKey.get(sessionKeyOf(k)) ?? null);
      },
      {
        cache: false,
        maxBatchSize: SESSIONS_PER_STATEMENT,
        // Lookups started by other I/O callbacks of the same event-loop turn join the batch.
        batchScheduleFn: (run) => setImmediate(run),
      },
    );
  }

  /** Resolves once the turn is stored. */
  async recordTurn(turn: TurnRecord): Promise<void> {
    if (!turn.messages.length && !turn.events.length) return;
    await this.writer.add(turn);
  }

  /** Turns accepted before shutdown are still written before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.drain();
  }

  async get(businessId: string, sessionId: string): Promise<Transcript | null> {
    const conversation = await this.conversations.load({ businessId, sessionId });
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
        intent: m.intent === null ? null : { name: m.intent, confidence: m.intentConfidence ?? 0 },
        sentiment: m.sentiment === null ? null : { label: m.sentiment, score: m.sentimentScore ?? 0 },
        createdAt: m.createdAt.toISOString(),
      })),
    };
  }

  /** The session's channel when it has a durable transcript, else null: an existence check without the messages. */
  async channelOf(businessId: string, sessionId: string): Promise<Channel | null> {
    const conversation = await this.conversations.load({ businessId, sessionId });
    return conversation?.channel ?? null;
  }

  countEvents(businessId: string, sessionId: string, type: AnalyticsEventType): Promise<number> {
    return this.transcripts.countEvents(businessId, sessionId, type);
  }

  /** Forgets the session's conversation, messages and analytics events. True when anything was there. */
  delete(businessId: string, sessionId: string): Promise<boolean> {
    return this.dataSource.transaction((em) => this.transcripts.deleteSession(businessId, sessionId, em));
  }
}

function sessionKeyOf(key: SessionKey): string {
  return `${key.businessId}:${key.sessionId}`;
}
