import type { Content, FunctionDeclaration, GenerateContentResponse, Part } from '@google/genai';

import type { LlmResponse, LlmToolCall, LlmTurn } from 'src/chat/llm-provider.port';
import type { TokenUsage } from 'src/common/metrics/metrics.port';
import type { ToolDeclaration } from 'src/crm/crm-tools.port';

/**
 * Gemini 3 refuses function-call history without the thought signature it issued. The port does not carry
 * signatures, so replayed calls use the value Google documents for history it did not produce.
 */
export const REPLAYED_CALL_SIGNATURE = 'skip_thought_signature_validator';

/** Our turns → Gemini `contents`. Tool results travel as `functionResponse` parts in a user-role content. */
export function toGeminiContents(turns: LlmTurn[]): Content[] {
  const contents: Content[] = [];
  for (const turn of turns) {
    switch (turn.role) {
      case 'user':
        if (turn.text.trim()) contents.push({ role: 'user', parts: [{ text: turn.text }] });
        break;
      case 'model': {
        const parts: Part[] = [];
        if (turn.text) parts.push({ text: turn.text });
        for (const [i, call] of (turn.toolCalls ?? []).entries()) {
          parts.push({
            functionCall: { name: call.name, args: call.args, ...(call.id ? { id: call.id } : {}) },
            // Only the first call of a step carries a signature, as the API itself emits them.
            ...(i === 0 ? { thoughtSignature: REPLAYED_CALL_SIGNATURE } : {}),
          });
        }
        if (parts.length) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool':
        if (turn.results.length) {
          contents.push({
            role: 'user',
            parts: turn.results.map((r) => ({
              functionResponse: { name: r.name, response: r.response, ...(r.id ? { id: r.id } : {}) },
            })),
          });
        }
        break;
    }
  }
  return contents;
}

/** Our declarations are JSON Schema already, which `parametersJsonSchema` accepts as is. */
export function toFunctionDeclarations(tools: ToolDeclaration[]): FunctionDeclaration[] {
  return tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters }));
}

const SAFETY_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
]);

export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): LlmResponse['finishReason'] {
  if (reason && SAFETY_REASONS.has(reason)) return 'safety';
  if (hasToolCalls) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason === undefined || reason === 'STOP') return 'stop';
  return 'other';
}

/** Text and function calls of the first candidate; reasoning ("thought") parts are never shown to users. */
export function readCandidate(response: GenerateContentResponse): {
  text: string;
  toolCalls: LlmToolCall[];
  finishReason: string | undefined;
} {
  const candidate = response.candidates?.[0];
  const blockReason = response.promptFeedback?.blockReason;
  const toolCalls: LlmToolCall[] = [];
  let text = '';
  for (const part of candidate?.content?.parts ?? []) {
    if (part.thought) continue;
    if (typeof part.text === 'string') text += part.text;
    if (part.functionCall?.name) {
      toolCalls.push({
        ...(part.functionCall.id ? { id: part.functionCall.id } : {}),
        name: part.functionCall.name,
        args: part.functionCall.args ?? {},
      });
    }
  }
  return { text, toolCalls, finishReason: blockReason ? 'SAFETY' : candidate?.finishReason };
}

export function toLlmResponse(response: GenerateContentResponse): LlmResponse {
  const { text, toolCalls, finishReason } = readCandidate(response);
  return withUsage(assemble(text, toolCalls, finishReason), usageOf(response));
}

/** Billed tokens of a response (a stream reports them on its last chunk); thinking tokens bill as output. */
export function usageOf(response: GenerateContentResponse): TokenUsage | undefined {
  const meta = response.usageMetadata;
  if (!meta) return undefined;
  return {
    inputTokens: meta.promptTokenCount ?? 0,
    outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
  };
}

export function withUsage(response: LlmResponse, usage: TokenUsage | undefined): LlmResponse {
  return usage ? { ...response, usage } : response;
}

/** A blocked answer carries no text: whatever was generated before the block must not reach the user. */
export function assemble(text: string, toolCalls: LlmToolCall[], geminiReason: string | undefined): LlmResponse {
  const finishReason = mapFinishReason(geminiReason, toolCalls.length > 0);
  if (finishReason === 'safety') return { text: '', toolCalls: [], finishReason, provider: 'gemini' };
  return { text, toolCalls, finishReason, provider: 'gemini' };
}
