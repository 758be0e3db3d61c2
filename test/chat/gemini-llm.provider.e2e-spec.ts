import { GoogleGenAI } from '@google/genai';

import type { LlmRequest, LlmStreamEvent } from 'src/chat/llm-provider.port';
import { GeminiLlmProvider, GeminiLlmProviderOptions } from 'src/chat/providers/gemini-llm.provider';
import { LlmError, LlmErrorCode } from 'src/chat/providers/llm.errors';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy, GeminiPolicyOptions } from 'src/gemini/gemini-policy';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';

const API_KEY = 'test-gemini-key';

function llmRequest(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    systemInstruction: 'You are the concierge for Acme Plumbing.',
    turns: [{ role: 'user', text: 'Do you fix water heaters?' }],
    tools: [],
    grounding: { passages: [], captured: {}, missing: [], businessName: 'Acme Plumbing' },
    ...overrides,
  };
}

async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const out: LlmStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LlmError) return err;
    throw err;
  }
  throw new Error('expected an LlmError, got a result');
}

describe('GeminiLlmProvider against the fake Gemini server', () => {
  let gemini: FakeGeminiServer;
  const provider = ({
    breakerThreshold,
    breakerHalfOpenAfterMs,
    ...options
  }: Partial<GeminiLlmProviderOptions> & GeminiPolicyOptions = {}) =>
    new GeminiLlmProvider(
      new GeminiClient({ apiKey: API_KEY, baseUrl: gemini.baseUrl }),
      new GeminiPolicy({ breakerThreshold, breakerHalfOpenAfterMs }),
      { model: 'gemini-2.5-flash', retryInitialDelayMs: 10, ...options },
    );

  beforeAll(async () => {
    gemini = await FakeGeminiServer.start();
    gemini.expectedApiKey = API_KEY;
  });
  afterEach(() => gemini.reset());
  afterAll(() => gemini.close());

  it('sends the system instruction, the mapped turns and the tool declarations in Gemini format', async () => {
    gemini.enqueue(FakeGeminiServer.text('Yes, we repair all major brands.'));
    const response = await provider().generate(
      llmRequest({
        turns: [
          { role: 'user', text: 'My name is Ann, ann@example.com' },
          { role: 'model', toolCalls: [{ name: 'create_contact', args: { email: 'ann@example.com' } }] },
          { role: 'tool', results: [{ name: 'create_contact', response: { ok: true } }] },
          { role: 'model', text: 'Thanks Ann!' },
          { role: 'user', text: 'Do you fix water heaters?' },
        ],
        tools: [
          {
            name: 'create_contact',
            description: 'Create the customer in the CRM',
            parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
          },
        ],
      }),
    );

    expect(response).toEqual({
      text: 'Yes, we repair all major brands.',
      toolCalls: [],
      finishReason: 'stop',
      provider: 'gemini',
      // What the fake reports: 42 prompt tokens, one per four characters of the reply.
      usage: { inputTokens: 42, outputTokens: 8 },
    });
    const [sent] = gemini.generateRequests;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.apiKey).toBe(API_KEY);
    expect(sent.body.systemInstruction?.parts[0].text).toBe('You are the concierge for Acme Plumbing.');
    expect(sent.body.contents?.map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(sent.body.contents?.[1].parts[0]).toMatchObject({
      functionCall: { name: 'create_contact', args: { email: 'ann@example.com' } },
    });
    expect(sent.body.contents?.[2].parts[0]).toEqual({
      functionResponse: { name: 'create_contact', response: { ok: true } },
    });
    expect(sent.body.tools?.[0].functionDeclarations?.[0]).toEqual({
      name: 'create_contact',
      description: 'Create the customer in the CRM',
      parametersJsonSchema: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
    });
    expect(JSON.stringify(sent.body.contents)).not.toContain('concierge for Acme');
  });

  it('returns the function calls of a function-call turn', async () => {
    gemini.enqueue(FakeGeminiServer.functionCall('create_contact', { email: 'ann@example.com', firstName: 'Ann' }));
    const response = await provider().generate(llmRequest());
    expect(response.finishReason).toBe('tool_calls');
    expect(response.toolCalls).toEqual([
      { name: 'create_contact', args: { email: 'ann@example.com', firstName: 'Ann' } },
    ]);
  });

  it('retries a 429 after the delay Google asks for, then succeeds', async () => {
    gemini.enqueue({ type: 'error', status: 429, retryAfterSeconds: 1 }, FakeGeminiServer.text('Back again.'));
    const started = Date.now();
    const response = await provider().generate(llmRequest());
    expect(response.text).toBe('Back again.');
    expect(gemini.generateRequests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('fails at once with the retry delay when a 429 asks for a longer wait than a chat turn allows', async () => {
    gemini.enqueue({ type: 'error', status: 429, retryAfterSeconds: 60 });
    const err = await failure(provider().generate(llmRequest()));
    expect(err.llmCode).toBe(LlmErrorCode.RATE_LIMITED);
    expect(err.details?.retryAfterSeconds).toBe(60);
    expect(gemini.generateRequests).toHaveLength(1);
  });

  it('gives up with LLM.UNAVAILABLE after the bounded retries of a persistent 503', async () => {
    gemini.enqueue(...Array.from({ length: 5 }, () => ({ type: 'error' as const, status: 503 })));
    const err = await failure(provider({ maxAttempts: 3 }).generate(llmRequest()));
    expect(err.llmCode).toBe(LlmErrorCode.UNAVAILABLE);
    expect(err.message).toContain('overloaded');
    expect(gemini.generateRequests).toHaveLength(3);
  });

  it('does not retry a request Gemini rejects as invalid', async () => {
    gemini.enqueue({ type: 'error', status: 400, message: 'Invalid value at contents' });
    const err = await failure(provider().generate(llmRequest()));
    expect(err.llmCode).toBe(LlmErrorCode.REJECTED);
    expect(gemini.generateRequests).toHaveLength(1);
  });

  it('times out a model that does not answer', async () => {
    gemini.enqueue({ type: 'hang' }, { type: 'hang' }, { type: 'hang' });
    const err = await failure(provider({ timeoutMs: 300 }).generate(llmRequest()));
    expect(err.llmCode).toBe(LlmErrorCode.TIMEOUT);
  });

  it('reports a cancelled request as cancelled, not as a timeout', async () => {
    gemini.enqueue({ type: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(provider({ timeoutMs: 5000 }).generate(llmRequest({ signal: controller.signal })));
    expect(err.llmCode).toBe(LlmErrorCode.CANCELLED);
  });

  it('opens the circuit after consecutive failed requests and then fails fast without calling Gemini', async () => {
    gemini.enqueue({ type: 'error', status: 503 }, { type: 'error', status: 503 });
    const sut = provider({ maxAttempts: 1, breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    await failure(sut.generate(llmRequest()));
    await failure(sut.generate(llmRequest()));
    const err = await failure(sut.generate(llmRequest()));
    expect(err.llmCode).toBe(LlmErrorCode.CIRCUIT_OPEN);
    expect(gemini.generateRequests).toHaveLength(2);
  });

  it('returns no text and finishReason safety when the answer is blocked', async () => {
    gemini.enqueue({ type: 'blocked', finishReason: 'SAFETY', partialText: 'Here is how to' });
    const response = await provider().generate(llmRequest());
    // The prompt was still billed, so its usage stays even though the text is withheld.
    expect(response).toEqual({
      text: '',
      toolCalls: [],
      finishReason: 'safety',
      provider: 'gemini',
      usage: { inputTokens: 42, outputTokens: 1 },
    });
  });

  it('streams deltas over SSE whose concatenation is the final text', async () => {
    const text = 'Yes, we repair water heaters of every brand, usually the same day.';
    gemini.enqueue(FakeGeminiServer.text(text));
    const events = await collect(provider().stream(llmRequest()));
    const deltas = events.filter((e) => e.type === 'delta').map((e) => (e.type === 'delta' ? e.text : ''));
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(text);
    expect(events.at(-1)).toEqual({
      type: 'done',
      response: {
        text,
        toolCalls: [],
        finishReason: 'stop',
        provider: 'gemini',
        usage: { inputTokens: 42, outputTokens: Math.ceil(text.length / 4) },
      },
    });
    expect(gemini.generateRequests[0].path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(gemini.generateRequests[0].query.alt).toBe('sse');
  });

  it('streams a function call as a done event with the call', async () => {
    gemini.enqueue(FakeGeminiServer.functionCall('book_appointment', { date: '2026-12-01' }));
    const events = await collect(provider().stream(llmRequest()));
    expect(events).toEqual([
      {
        type: 'done',
        response: {
          text: '',
          toolCalls: [{ name: 'book_appointment', args: { date: '2026-12-01' } }],
          finishReason: 'tool_calls',
          provider: 'gemini',
          usage: { inputTokens: 42, outputTokens: 1 },
        },
      },
    ]);
  });

  it('retries a stream that fails before its first event', async () => {
    gemini.enqueue({ type: 'error', status: 503 }, FakeGeminiServer.text('Recovered answer.'));
    const events = await collect(provider().stream(llmRequest()));
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { text: 'Recovered answer.' } });
    expect(gemini.generateRequests).toHaveLength(2);
  });

  it('ends a stream cut mid-event with LLM.STREAM_INTERRUPTED after the deltas already received', async () => {
    gemini.enqueue({ type: 'cut', chunks: ['We can ', 'help with '] });
    const received: string[] = [];
    const err = await failure(
      (async () => {
        for await (const e of provider().stream(llmRequest())) if (e.type === 'delta') received.push(e.text);
      })(),
    );
    expect(err.llmCode).toBe(LlmErrorCode.STREAM_INTERRUPTED);
    expect(received.join('')).toBe('We can help with ');
    expect(gemini.generateRequests).toHaveLength(1);
  });

  it('times out a stream that goes silent', async () => {
    gemini.enqueue({ type: 'hang' }, { type: 'hang' }, { type: 'hang' });
    const err = await failure(collect(provider({ timeoutMs: 300 }).stream(llmRequest())));
    expect(err.llmCode).toBe(LlmErrorCode.TIMEOUT);
  });

  it('ends a blocked stream with an empty safety response', async () => {
    gemini.enqueue({ type: 'blocked', partialText: 'Well, ' });
    const events = await collect(provider().stream(llmRequest()));
    expect(events.at(-1)).toEqual({
      type: 'done',
      response: {
        text: '',
        toolCalls: [],
        finishReason: 'safety',
        provider: 'gemini',
        usage: { inputTokens: 42, outputTokens: 1 },
      },
    });
  });

  it('summarizes older turns with the model, folding in the previous summary', async () => {
    gemini.enqueue(FakeGeminiServer.text('Ann wants a water heater repaired on Monday.'));
    const summary = await provider().summarize('Ann asked about prices.', [
      { role: 'user', text: 'Can someone come on Monday?' },
      { role: 'model', text: 'Yes, Monday works.' },
    ]);
    expect(summary).toBe('Ann wants a water heater repaired on Monday.');
    const sent = gemini.generateRequests[0].body;
    expect(sent.systemInstruction?.parts[0].text).toContain('running summary');
    expect(JSON.stringify(sent.contents)).toContain('Ann asked about prices.');
    expect(JSON.stringify(sent.contents)).toContain('Customer: Can someone come on Monday?');
    expect(sent.tools).toBeUndefined();
  });

  it('keeps the previous summary when the summary comes back blocked', async () => {
    gemini.enqueue({ type: 'blocked' });
    await expect(provider().summarize('Ann asked about prices.', [{ role: 'user', text: 'hello' }])).resolves.toBe(
      'Ann asked about prices.',
    );
  });
});

describe('fake Gemini embeddings (what the RAG tests rely on)', () => {
  let gemini: FakeGeminiServer;
  beforeAll(async () => {
    gemini = await FakeGeminiServer.start();
  });
  afterAll(() => gemini.close());

  it('answers the SDK embedContent call with deterministic unit vectors of the requested size', async () => {
    const ai = new GoogleGenAI({
      apiKey: API_KEY,
      httpOptions: { baseUrl: gemini.baseUrl, fetch: (input, init) => fetch(input, init) },
    });
    const embed = (contents: string[]) =>
      ai.models.embedContent({ model: 'gemini-embedding-001', contents, config: { outputDimensionality: 768 } });
    const first = await embed(['water heater repair', 'roof cleaning prices', 'water heater repairs']);
    const again = await embed(['water heater repair']);
    const [a, b, c] = first.embeddings!.map((e) => e.values!);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(a).toHaveLength(768);
    expect(dot(a, a)).toBeCloseTo(1, 6);
    expect(again.embeddings![0].values).toEqual(a);
    expect(dot(a, c)).toBeGreaterThan(dot(a, b));
    expect(gemini.embedRequests[0].path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
  });
});
