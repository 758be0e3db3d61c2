export interface LlmToolCall {
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

export interface LlmToolResult {
  id?: string;
  name: string;
  response: Record<string, unknown>;
}

/** One turn of the conversation as the model sees it. User text is only ever in `user` turns. */
export type LlmTurn =
  | { role: 'user'; text: string }
  | { role: 'model'; text?: string; toolCalls?: LlmToolCall[] }
  | { role: 'tool'; results: LlmToolResult[] };
