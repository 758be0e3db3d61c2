import type { LlmTurn } from 'src/chat/llm-provider.port';
import { captureLead } from 'src/conversation/lead-capture';
import { mergeMetadata, metadataProblem, type SessionMetadata } from 'src/conversation/session-metadata';
import { newSessionState, SessionState } from 'src/conversation/session-state';
import { replayExposure } from 'src/experiments/experiment-exposure';
import type { Transcript } from 'src/session/transcript.service';

/**
 * Rebuilds a session whose live state is gone (Redis eviction or restart) from its durable transcript: the lead
 * fields are re-derived from the user's own messages by the same deterministic capture, the CRM ids come from the
 * stored tool results, the client metadata from the user messages that sent it, and the model window is the last `maxTurns` stored exchanges. Nothing is re-sent to a model.
 */
export function recoverSession(
  businessId: string,
  sessionId: string,
  transcript: Transcript,
  defaultCountry: string,
  maxTurns: number,
): SessionState {
  const state = newSessionState(businessId, sessionId, transcript.channel);
  const turns: LlmTurn[] = [];
  for (const message of transcript.messages) {
    if (message.role === 'user') {
      const lead = captureLead(message.content, state, { defaultCountry, awaitingField: null });
      state.captured = lead.captured;
      state.locks = lead.locks;
      turns.push({ role: 'user', text: message.content });
      // Client metadata is stored with the message that sent it; re-checked, as anything read back from storage.
      const metadata = message.payload?.metadata;
      if (metadata !== undefined && metadataProblem(metadata) === null)
        state.clientMetadata = mergeMetadata(state.clientMetadata, metadata as SessionMetadata);
    } else if (message.role === 'assistant') {
      turns.push({ role: 'model', text: message.content });
      state.conversation.turnCount += 1;
      replayRuleEffects(state, message.payload);
      if (message.payload) replayExposure(state, message.payload);
    } else {
      const result = (message.payload?.result ?? {}) as { contactId?: unknown; dealId?: unknown };
      if (typeof result.contactId === 'string') state.crm.contactId = result.contactId;
      if (typeof result.dealId === 'string') state.crm.dealId = result.dealId;
    }
  }
  const userIndexes = turns.flatMap((t, i) => (t.role === 'user' ? [i] : []));
  state.history = userIndexes.length > maxTurns ? turns.slice(userIndexes[userIndexes.length - maxTurns]) : turns;
  state.conversation.greeted = transcript.messages.length > 0;
  state.metadata.recoveredFromTranscript = true;
  state.createdAt = transcript.startedAt;
  return state;
}

/** What rules changed in the session is stored with the reply they shaped (see the chat runner); replayed in order. */
function replayRuleEffects(state: SessionState, payload: Record<string, unknown> | null | undefined): void {
  if (!payload) return;
  const { tags, setMetadata, profile, flow, flowEnded } = payload as {
    tags?: unknown;
    setMetadata?: unknown;
    profile?: unknown;
    flow?: { flow?: unknown; state?: unknown };
    flowEnded?: unknown;
  };
  if (Array.isArray(tags))
    state.conversation.tags = [
      ...new Set([...(state.conversation.tags ?? []), ...tags.filter((t): t is string => typeof t === 'string')]),
    ];
  if (setMetadata !== undefined && metadataProblem(setMetadata) === null)
    state.clientMetadata = mergeMetadata(state.clientMetadata, setMetadata as SessionMetadata);
  if (typeof profile === 'string') state.conversation.profile = profile;
  // Every reply of an active flow carries its position; a reply without one means no flow was active after it.
  if (flow && typeof flow.flow === 'string' && typeof flow.state === 'string' && flowEnded !== true)
    state.conversation.flow = { flow: flow.flow, state: flow.state };
  else state.conversation.flow = null;
}
