import type { SessionState } from 'src/conversation/session-state';

/** Why a turn may not use the response cache; `null` when it may. Recorded with the turn's analytics. */
export type CacheBypass = 'lead_fields' | 'asked_lead_field' | 'conversation' | 'flow';

/**
 * Whether a reply to this session may be read from, or written to, the shared response cache: only when nothing in
 * the session can make the reply depend on who the visitor is or what was said before. Captured lead fields (the
 * instructions carry them), a question for a lead field (the answer would be read as that field), earlier turns (a
 * follow-up such as "and on weekends?" means something else in every conversation) and an active flow (a script
 * step, kept in the session's `conversation.flow`) all bypass it.
 */
export function cacheBypass(
  state: Pick<SessionState, 'captured' | 'conversation' | 'history' | 'summary'>,
): CacheBypass | null {
  if (Object.values(state.captured).some((v) => v !== undefined && v !== null && v !== '')) return 'lead_fields';
  if (state.conversation.awaitingField) return 'asked_lead_field';
  if (state.conversation.flow) return 'flow';
  if (state.history.length > 0 || state.summary) return 'conversation';
  return null;
}
