import { LlmProvider, LlmRequest, LlmResponse, LlmStreamEvent, LlmTurn } from 'src/chat/llm-provider.port';
import { type CallOutcome, Metrics, type ModelOperation, secondsSince } from 'src/common/metrics/metrics.port';

/**
 * Records every call of the configured provider (count, latency, outcome, reported tokens and so their estimated
 * cost) without the provider or the chat pipeline knowing: llmProviderBinding wraps the provider in it when metrics
 * are on. A generate or stream call is also the turn's `model` step.
 */
export class MeteredLlmProvider extends LlmProvider {
  constructor(
    private readonly inner: LlmProvider,
    private readonly metrics: Metrics,
    private readonly labels: { provider: string; model: string },
  ) {
    super();
  }

  async generate(request: LlmRequest): Promise<LlmResponse> {
    const start = performance.now();
    try {
      const response = await this.inner.generate(request);
      this.observe('generate', 'ok', start, response);
      return response;
    } catch (err) {
      this.observe('generate', 'error', start);
      throw err;
    }
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const start = performance.now();
    try {
      for await (const event of this.inner.stream(request)) {
        if (event.type === 'done') this.observe('stream', 'ok', start, event.response);
        yield event;
      }
    } catch (err) {
      this.observe('stream', 'error', start);
      throw err;
    }
  }

  async summarize(previousSummary: string | null, turns: LlmTurn[]): Promise<string> {
    const start = performance.now();
    try {
      const summary = await this.inner.summarize(previousSummary, turns);
      this.observe('summarize', 'ok', start);
      return summary;
    } catch (err) {
      this.observe('summarize', 'error', start);
      throw err;
    }
  }

  private observe(operation: ModelOperation, outcome: CallOutcome, start: number, response?: LlmResponse): void {
    const seconds = secondsSince(start);
    this.metrics.modelCall({ ...this.labels, operation, outcome, seconds, usage: response?.usage });
    if (operation !== 'summarize') this.metrics.chatStep('model', seconds);
  }
}
