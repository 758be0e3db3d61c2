import type { CapturedField, CapturedFields } from 'src/conversation/captured-fields';
import type { LlmTurn } from 'src/conversation/conversation-turn';
import type { SessionMetadata } from 'src/conversation/session-metadata';

export type Channel = 'chat' | 'voice';

/** Where the conversation stands, beyond the raw turns: what the engine already did and what it waits for. */
export interface ConversationState {
  channel: Channel;
  /** The greeting went out once; later messages reach the model. */
  greeted: boolean;
  /** Turns handled in this session (guards and model replies alike). */
  turnCount: number;
  /** The lead field the last reply asked for, so a bare answer ("John Smith") can be read as that field. */
  awaitingField: CapturedField | null;
  /** The CTA node whose children are on screen, if any. */
  currentCtaId: string | null;
  /** Labels recorded on the session (by rules); the turn context's `tags`. Absent in sessions stored before them. */
  tags?: string[];
  /** The prompt profile a rule chose; kept for the session until another `profile` action. Absent before rules. */
  profile?: string | null;
}

/** Everything a session keeps between turns. Stored as one JSON document under `chat:{business_id}:{session_id}`. */
export interface SessionState {
  v: 1;
  businessId: string;
  sessionId: string;
  captured: CapturedFields;
  /** A locked field was validated from the user's own words; it is only replaced by an explicit correction. */
  locks: Partial<Record<CapturedField, boolean>>;
  crm: { contactId?: string; dealId?: string };
  /** The engine's own per-session notes (provider used, offline replies, recovery). */
  metadata: Record<string, unknown>;
  /**
   * What the client said about the session (`metadata` of /chat, Twilio's from/to/country for calls): the turn
   * context's `metadata.*`. Kept apart from `metadata` so a client can never overwrite the engine's notes. Absent in
   * sessions stored before it.
   */
  clientMetadata?: SessionMetadata;
  conversation: ConversationState;
  /** The last turns the model sees verbatim (bounded by MAX_HISTORY_TURNS). */
  history: LlmTurn[];
  /** Rolling summary of turns that left the window. */
  summary: string | null;
  createdAt: string;
  updatedAt: string;
}

export function newSessionState(
  businessId: string,
  sessionId: string,
  channel: Channel,
  now = new Date(),
): SessionState {
  const at = now.toISOString();
  return {
    v: 1,
    businessId,
    sessionId,
    captured: {},
    locks: {},
    crm: {},
    metadata: {},
    clientMetadata: {},
    conversation: { channel, greeted: false, turnCount: 0, awaitingField: null, currentCtaId: null, tags: [] },
    history: [],
    summary: null,
    createdAt: at,
    updatedAt: at,
  };
}
