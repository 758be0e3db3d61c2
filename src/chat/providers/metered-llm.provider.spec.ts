import { LlmProvider, type LlmRequest, type LlmResponse, type LlmStreamEvent } from 'src/chat/llm-provider.port';
import { MeteredLlmProvider } from 'src/chat/providers/metered-llm.provider';
import { Metrics, type ModelCallObservation } from 'src/common/metrics/metrics.port';
import { strictMock } from 'test/support/strict-mock';

const request = { systemInstruction: '', turns: [], tools: [] } as unknown as LlmRequest;
const answer: LlmResponse = {
  text: 'Hello',
  toolCalls: [],
  finishReason: 'stop',
  provider: 'gemini',
  usage: { inputTokens: 10, outputTokens: 2 },
};

function setup(inner: Partial<LlmProvider>) {
  const calls: ModelCallObservation[] = [];
  const steps: string[] = [];
  const metrics = strictMock<Metrics>({
    modelCall: (c: ModelCallObservation) => calls.push(c),
    chatStep: (step: string) => steps.push(step),
  });
  const sut = new MeteredLlmProvider(strictMock<LlmProvider>(inner), metrics, {
    provider: 'gemini',
    model: 'gemini-2.5-flash',
  });
  return { sut, calls, steps };
}

describe(MeteredLlmProvider.name, () => {
  it('passes a reply through and records the call with its reported tokens as a model step', async () => {
    const { sut, calls, steps } = setup({ generate: () => Promise.resolve(answer) });
    expect(await sut.generate(request)).toBe(answer);
    expect(calls).toEqual([
      {
        provider: 'gemini',
        model: 'gemini-2.5-flash',
        operation: 'generate',
        outcome: 'ok',
        seconds: expect.any(Number),
        usage: { inputTokens: 10, outputTokens: 2 },
      },
    ]);
    expect(steps).toEqual(['model']);
  });

  it('records a failed call as an error and rethrows the same error', async () => {
    const boom = new Error('provider down');
    const { sut, calls } = setup({ generate: () => Promise.reject(boom) });
    await expect(sut.generate(request)).rejects.toBe(boom);
    expect(calls.map((c) => [c.operation, c.outcome, c.usage])).toEqual([['generate', 'error', undefined]]);
  });

  it('forwards every stream event and records the stream once, when it is done', async () => {
    async function* events(): AsyncIterable<LlmStreamEvent> {
      yield { type: 'delta', text: 'Hel' };
      yield { type: 'delta', text: 'lo' };
      yield { type: 'done', response: answer };
    }
    const { sut, calls } = setup({ stream: () => events() });
    const seen: LlmStreamEvent[] = [];
    for await (const e of sut.stream(request)) seen.push(e);
    expect(seen.map((e) => e.type)).toEqual(['delta', 'delta', 'done']);
    expect(calls.map((c) => [c.operation, c.outcome, c.usage])).toEqual([['stream', 'ok', answer.usage]]);
  });

  it('records summaries without counting them as a turn step', async () => {
    const { sut, calls, steps } = setup({ summarize: () => Promise.resolve('summary') });
    expect(await sut.summarize(null, [])).toBe('summary');
    expect(calls.map((c) => [c.operation, c.outcome])).toEqual([['summarize', 'ok']]);
    expect(steps).toEqual([]);
  });
});
