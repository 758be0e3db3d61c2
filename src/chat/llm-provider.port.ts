import type { TokenUsage } from 'src/common/metrics/metrics.port';
import type { CapturedField, CapturedFields } from 'src/conversation/captured-fields';
import type { LlmToolCall, LlmTurn } from 'src/conversation/conversation-turn';
import type { ToolDeclaration } from 'src/crm/crm-tools.port';
import type { RetrievedPassage } from 'src/rag/knowledge-retriever.port';

// Chat's provider code names the turn types through its own port; their home is the conversation module.
export type { LlmToolCall, LlmToolResult, LlmTurn } from 'src/conversation/conversation-turn';

export interface LlmRequest {
  systemInstruction: string;
  turns: LlmTurn[];
  tools: ToolDeclaration[];
  /** Structured facts the prompt also carries; the offline provider composes from these instead of reading prose. */
  grounding: {
    passages: RetrievedPassage[];
    captured: CapturedFields;
    missing: CapturedField[];
    businessName: string;
    /** CRM records the session already has, so a rule-based provider does not create the contact twice. */
    crm?: { contactId?: string; dealId?: string };
    /** The user message's intent (turn context `intent.name`): a rule-based provider answers small talk with small talk. */
    intent?: string;
  };
  signal?: AbortSignal;
}

export interface LlmResponse {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: 'stop' | 'tool_calls' | 'safety' | 'length' | 'other';
  provider: 'gemini' | 'offline' | 'fake';
  /** Tokens as the provider reported them (for metrics and cost); absent when it reports none. */
  usage?: TokenUsage;
}

export type LlmStreamEvent = { type: 'delta'; text: string } | { type: 'done'; response: LlmResponse };

export abstract class LlmProvider {
  abstract generate(request: LlmRequest): Promise<LlmResponse>;
  abstract stream(request: LlmRequest): AsyncIterable<LlmStreamEvent>;
  /** Condenses older turns into a short summary when the history window overflows. */
  abstract summarize(previousSummary: string | null, turns: LlmTurn[]): Promise<string>;
}
