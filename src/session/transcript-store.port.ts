import type { Channel } from 'src/conversation/session-state';
import type { MessageRole } from 'src/session/entities/message.entity';
import type { NewTurn } from 'src/session/transcript.repository';

export type TurnRecord = NewTurn;

export interface TranscriptMessage {
  role: MessageRole;
  content: string;
  toolName: string | null;
  payload: Record<string, unknown> | null;
  /** User messages: the intent and sentiment they were read with (null on other rows and older messages). */
  intent: { name: string; confidence: number } | null;
  sentiment: { label: string; score: number } | null;
  createdAt: string;
}

export interface Transcript {
  channel: Channel;
  startedAt: string;
  lastMessageAt: string;
  messages: TranscriptMessage[];
}

/**
 * What a chat turn reads and writes of the durable transcript: the session to rebuild after an eviction, and the
 * turn's messages and analytics events. Postgres (TranscriptService) in production; a simulation supplies one that
 * keeps the turns in memory, so the same turn runner writes nothing.
 */
export abstract class TranscriptStore {
  abstract get(businessId: string, sessionId: string): Promise<Transcript | null>;
  /** Resolves once the turn is stored. */
  abstract recordTurn(turn: TurnRecord): Promise<void>;
}
