import type { LlmRequest, LlmResponse, LlmStreamEvent, LlmTurn } from 'src/chat/llm-provider.port';
import { LlmProvider } from 'src/chat/llm-provider.port';

export type Step = (request: LlmRequest) => LlmResponse | Error;

export const say = (text: string): LlmResponse => ({ text, toolCalls: [], finishReason: 'stop', provider: 'fake' });
export const callTool = (name: string, args: Record<string, unknown>): LlmResponse => ({
  text: '',
  toolCalls: [{ id: `call-${name}`, name, args }],
  finishReason: 'tool_calls',
  provider: 'fake',
});

/**
 * The model edge for tests: answers from a script and records every request, so a test can check what the engine
 * sent (system instruction, turns, tools) and how it handled what came back.
 */
export class ScriptedLlm extends LlmProvider {
  readonly requests: LlmRequest[] = [];
  readonly summaries: LlmTurn[][] = [];
  private script: Step[] = [];
  fallback: Step = () => say('Happy to help.<br><br>Anything else?');

  next(...steps: Step[]): void {
    this.script.push(...steps);
  }

  reset(): void {
    this.script = [];
    this.requests.length = 0;
    this.summaries.length = 0;
  }

  generate(request: LlmRequest): Promise<LlmResponse> {
    this.requests.push(request);
    const out = (this.script.shift() ?? this.fallback)(request);
    return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const response = await this.generate(request);
    for (let i = 0; i < response.text.length; i += 7) yield { type: 'delta', text: response.text.slice(i, i + 7) };
    yield { type: 'done', response };
  }

  summarize(previous: string | null, turns: LlmTurn[]): Promise<string> {
    this.summaries.push(turns);
    return Promise.resolve(`${previous ?? ''}[${turns.length} turns]`);
  }
}
