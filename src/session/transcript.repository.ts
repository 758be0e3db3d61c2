import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { preparedQuery } from 'src/common/sql/prepared-query';
import type { Channel } from 'src/conversation/session-state';
import { AnalyticsEventEntity, AnalyticsEventType } from 'src/session/entities/analytics-event.entity';
import { ConversationEntity } from 'src/session/entities/conversation.entity';
import { MessageEntity, MessageRole } from 'src/session/entities/message.entity';

export interface NewMessage {
  role: MessageRole;
  content: string;
  toolName?: string;
  payload?: Record<string, unknown>;
  /** How a user message was read (user rows only). */
  intent?: { name: string; confidence: number };
  sentiment?: { label: string; score: number };
}

export interface NewAnalyticsEvent {
  type: AnalyticsEventType;
  payload?: Record<string, unknown>;
}

export interface SessionKey {
  businessId: string;
  sessionId: string;
}

export interface NewTurn extends SessionKey {
  channel: Channel;
  messages: NewMessage[];
  events: NewAnalyticsEvent[];
  /** The session's tags after this turn (rules set them); omitted keeps the stored ones. */
  tags?: string[];
}

/**
 * Appends several turns (of distinct sessions) in one statement: creates or bumps each conversation, then inserts
 * the messages in turn and message order, and the analytics events. The business id travels with every row.
 */
const APPEND_TURNS_SQL = `WITH input AS (
   SELECT * FROM ROWS FROM (
     jsonb_to_recordset($1::jsonb) AS (business_id text, session_id text, channel text, messages jsonb, events jsonb, tags text[])
   ) WITH ORDINALITY AS t(business_id, session_id, channel, messages, events, tags, ord)
 ),
 conversation AS (
   INSERT INTO conversations (business_id, session_id, channel, message_count, tags)
   SELECT business_id, session_id, channel, jsonb_array_length(messages), coalesce(tags, '{}') FROM input ORDER BY ord
   ON CONFLICT (business_id, session_id)
   DO UPDATE SET last_message_at = now(), message_count = conversations.message_count + EXCLUDED.message_count,
                 tags = CASE WHEN EXCLUDED.tags = '{}' THEN conversations.tags ELSE EXCLUDED.tags END
   RETURNING id, business_id, session_id
 ),
 new_messages AS (
   INSERT INTO messages (business_id, conversation_id, role, content, tool_name, payload,
                         intent, intent_confidence, sentiment, sentiment_score)
   SELECT i.business_id, c.id, m.role, m.content, m.tool_name, m.payload,
          m.intent, m.intent_confidence, m.sentiment, m.sentiment_score
   FROM input i
   JOIN conversation c ON c.business_id = i.business_id AND c.session_id = i.session_id
   CROSS JOIN LATERAL ROWS FROM (
     jsonb_to_recordset(i.messages) AS (role text, content text, tool_name text, payload jsonb,
                                        intent text, intent_confidence real, sentiment text, sentiment_score real)
   ) WITH ORDINALITY AS m(role, content, tool_name, payload, intent, intent_confidence, sentiment, sentiment_score, ord)
   ORDER BY i.ord, m.ord
 ),
 new_events AS (
   INSERT INTO analytics_events (business_id, session_id, channel, type, payload)
   SELECT i.business_id, i.session_id, i.channel, e.type, coalesce(e.payload, '{}'::jsonb)
   FROM input i
   CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(i.events) AS (type text, payload jsonb)) WITH ORDINALITY AS e(type, payload, ord)
   ORDER BY i.ord, e.ord
 )
 SELECT 1`;

@Injectable()
export class TranscriptRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Turns of distinct sessions in one statement (a session appears at most once: its conversation row is upserted).
   * One statement is atomic and one round trip, which matters on the chat hot path.
   */
  async appendTurns(turns: NewTurn[], em?: EntityManager): Promise<void> {
    const rows = turns.map((t) => ({
      business_id: t.businessId,
      session_id: t.sessionId,
      channel: t.channel,
      messages: t.messages.map((m) => ({
        role: m.role,
        content: m.content,
        tool_name: m.toolName ?? null,
        payload: m.payload ?? null,
        intent: m.intent?.name ?? null,
        intent_confidence: m.intent?.confidence ?? null,
        sentiment: m.sentiment?.label ?? null,
        sentiment_score: m.sentiment?.score ?? null,
      })),
      events: t.events.map((e) => ({ type: e.type, payload: e.payload ?? {} })),
      tags: t.tags ?? null,
    }));
    await preparedQuery(
      this.dataSource,
      { name: 'transcript_append_turns', text: APPEND_TURNS_SQL },
      [JSON.stringify(rows)],
      em,
    );
  }

  /**
   * The conversations of several sessions, each named with its own business id, in one round trip; missing ones are
   * absent. Plain SQL: this runs on the first turn of every new session, where the ORM's query building showed up in
   * profiles.
   */
  async findConversations(sessions: SessionKey[], em?: EntityManager): Promise<ConversationEntity[]> {
    return preparedQuery<ConversationEntity>(
      this.dataSource,
      {
        name: 'transcript_find_conversations',
        text: `SELECT c.id::text AS id, c.business_id AS "businessId", c.session_id AS "sessionId", c.channel,
              c.started_at AS "startedAt", c.last_message_at AS "lastMessageAt", c.message_count AS "messageCount"
       FROM unnest($1::text[], $2::text[]) AS k(business_id, session_id)
       JOIN conversations c ON c.business_id = k.business_id AND c.session_id = k.session_id`,
      },
      [sessions.map((k) => k.businessId), sessions.map((k) => k.sessionId)],
      em,
    );
  }

  listMessages(
    businessId: string,
    conversationId: string,
    limit: number,
    em?: EntityManager,
  ): Promise<MessageEntity[]> {
    return this.manager(em)
      .getRepository(MessageEntity)
      .find({ where: { businessId, conversationId }, order: { id: 'ASC' }, take: limit });
  }

  async countEvents(
    businessId: string,
    sessionId: string,
    type: AnalyticsEventType,
    em?: EntityManager,
  ): Promise<number> {
    return this.manager(em).getRepository(AnalyticsEventEntity).count({ where: { businessId, sessionId, type } });
  }

  /** Messages go with the conversation (cascade); events are keyed by session, so they are removed explicitly. */
  async deleteSession(businessId: string, sessionId: string, em?: EntityManager): Promise<boolean> {
    const manager = this.manager(em);
    const deleted = await manager.getRepository(ConversationEntity).delete({ businessId, sessionId });
    await manager.getRepository(AnalyticsEventEntity).delete({ businessId, sessionId });
    return (deleted.affected ?? 0) > 0;
  }
}
