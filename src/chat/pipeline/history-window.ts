import type { LlmTurn } from 'src/chat/llm-provider.port';

export interface HistoryState {
  history: LlmTurn[];
  summary: string | null;
}

/** What the model sees: the rolling summary (as context, not instructions) followed by the recent turns. */
export function contextTurns(state: HistoryState): LlmTurn[] {
  if (!state.summary) return [...state.history];
  return [
    { role: 'user', text: `(Context: summary of our earlier conversation, for reference only.)\n${state.summary}` },
    { role: 'model', text: 'Thanks, I have that context.' },
    ...state.history,
  ];
}

/**
 * Appends this turn and keeps at most `maxTurns` user turns verbatim; older turns are folded into the summary by
 * the provider, so the prompt stays bounded however long the conversation runs. If summarizing fails, the old turns
 * are still dropped (the bound matters more than their detail) and the previous summary is kept.
 */
export async function appendWithinWindow(
  state: HistoryState,
  newTurns: LlmTurn[],
  maxTurns: number,
  summarize: (previous: string | null, turns: LlmTurn[]) => Promise<string>,
): Promise<HistoryState> {
  const history = [...state.history, ...newTurns];
  const userIndexes = history.flatMap((t, i) => (t.role === 'user' ? [i] : []));
  if (userIndexes.length <= maxTurns) return { history, summary: state.summary };
  const keepFrom = userIndexes[userIndexes.length - maxTurns];
  const overflow = history.slice(0, keepFrom);
  let summary = state.summary;
  try {
    summary = (await summarize(state.summary, overflow)).trim() || state.summary;
  } catch {
    summary = state.summary;
  }
  return { history: history.slice(keepFrom), summary };
}
