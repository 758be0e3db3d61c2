import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AnalyticsEventEntity, AnalyticsEventType } from 'src/session/entities/analytics-event.entity';
import { ConversationEntity } from 'src/session/entities/conversation.entity';
import { MessageEntity, MessageRole } from 'src/session/entities/message.entity';
import type { Channel } from 'src/session/session-state';

export interface NewMessage {
  role: MessageRole;
  content: string;
  toolName?: string;
  payload?: Record<string, unknown>;
}

export interface NewAnalyticsEvent {
  type: AnalyticsEventType;
  payload?: Record<string, unknown>;
}

@Injectable()
export class TranscriptRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** Creates the conversation on its first turn, bumps it on later ones; returns its id. */
  async upsertConversation(businessId: string, sessionId: string, channel: Channel, added: number, em?: EntityManager): Promise<string> {
    const rows = (await this.manager(em).query(
      `INSERT INTO conversations (business_id, session_id, channel, message_count)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (business_id, session_id)
       DO UPDATE SET last_message_at = now(), message_count = conversations.message_count + EXCLUDED.message_count
       RETURNING id`,
      [businessId, sessionId, channel, added],
    )) as { id: string }[];
    return String(rows[0].id);
  }

  async insertMessages(businessId: string, conversationId: string, messages: NewMessage[], em?: EntityManager): Promise<void> {
    if (!messages.length) return;
    await this.manager(em)
      .getRepository(MessageEntity)
      .insert(
        messages.map((m) => ({
          businessId,
          conversationId,
          role: m.role,
          content: m.content,
          toolName: m.toolName ?? null,
          payload: m.payload ?? null,
        })) as QueryDeepPartialEntity<MessageEntity>[],
      );
  }

  async insertEvents(businessId: string, sessionId: string, channel: Channel, events: NewAnalyticsEvent[], em?: EntityManager): Promise<void> {
    if (!events.length) return;
    await this.manager(em)
      .getRepository(AnalyticsEventEntity)
      .insert(
        events.map((e) => ({ businessId, sessionId, channel, type: e.type, payload: e.payload ?? {} })) as QueryDeepPartialEntity<AnalyticsEventEntity>[],
      );
  }

  findConversation(businessId: string, sessionId: string, em?: EntityManager): Promise<ConversationEntity | null> {
    return this.manager(em).getRepository(ConversationEntity).findOne({ where: { businessId, sessionId } });
  }

  listMessages(businessId: string, conversationId: string, limit: number, em?: EntityManager): Promise<MessageEntity[]> {
    return this.manager(em)
      .getRepository(MessageEntity)
      .find({ where: { businessId, conversationId }, order: { id: 'ASC' }, take: limit });
  }

  async countEvents(businessId: string, sessionId: string, type: AnalyticsEventType, em?: EntityManager): Promise<number> {
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
