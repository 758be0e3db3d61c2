import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for the Gemini Developer API (generativelanguage.googleapis.com, v1beta) that speaks the same
 * REST and SSE wire format as the real service, so tests drive the real `@google/genai` SDK against it with
 * `new GoogleGenAI({ apiKey, httpOptions: { baseUrl: fake.baseUrl } })`.
 *
 * Generation requests consume a queue of scripted steps (one step per HTTP request); when the queue is empty the
 * `defaultReply` answers. Embedding requests are answered with deterministic vectors derived from the text, so
 * similar texts get similar vectors and retrieval tests are reproducible.
 */

export type GeminiPart =
  | { text: string; thought?: boolean }
  | { functionCall: { name: string; args: Record<string, unknown>; id?: string }; thoughtSignature?: string };

export type FakeGeminiStep =
  /** A normal answer. For streams, `chunks` splits the text into SSE events (default: one per word group). */
  | { type: 'reply'; parts: GeminiPart[]; finishReason?: string; chunks?: string[]; delayMs?: number }
  /** An HTTP error with Google's error body; 429s carry RetryInfo and a Retry-After header. */
  | { type: 'error'; status: number; message?: string; retryAfterSeconds?: number; delayMs?: number }
  /** Candidate blocked by safety filters (finishReason SAFETY, no content). */
  | { type: 'blocked'; finishReason?: 'SAFETY' | 'PROHIBITED_CONTENT' | 'RECITATION'; partialText?: string }
  /** Accepts the request and never answers, until the client gives up or the server closes. */
  | { type: 'hang' }
  /** Streams the given whole events, then half of one more, then drops the connection. */
  | { type: 'cut'; chunks: string[] };

export interface RecordedGeminiRequest {
  method: string;
  path: string;
  model: string;
  action: string;
  query: Record<string, string>;
  apiKey: string | undefined;
  headers: IncomingMessage['headers'];
  body: GeminiRequestBody;
}

/** The subset of the generateContent / batchEmbedContents request bodies tests assert on. */
export interface GeminiRequestBody {
  contents?: Array<{ role?: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { role?: string; parts: Array<{ text?: string }> };
  tools?: Array<{ functionDeclarations?: Array<Record<string, unknown>> }>;
  toolConfig?: Record<string, unknown>;
  generationConfig?: Record<string, unknown>;
  requests?: Array<{
    model: string;
    content: { parts: Array<{ text?: string }> };
    outputDimensionality?: number;
    taskType?: string;
  }>;
  content?: { parts: Array<{ text?: string }> };
  outputDimensionality?: number;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_EMBEDDING_DIM = 3072;

function isUnderstanding(body: GeminiRequestBody): boolean {
  const schema = body.generationConfig?.responseSchema as { properties?: Record<string, unknown> } | undefined;
  return !!schema?.properties && 'intent' in schema.properties;
}

export class FakeGeminiServer {
  readonly requests: RecordedGeminiRequest[] = [];
  /** Answers generation requests when no step is queued. */
  defaultReply: (req: RecordedGeminiRequest) => FakeGeminiStep = () =>
    FakeGeminiServer.text('Happy to help with that.');
  /**
   * Intent/sentiment classification calls (structured output whose schema has an `intent` property) are answered
   * apart from the chat script, so a test's scripted chat replies are not consumed by the classification that now
   * precedes every turn: from `understandingSteps` when queued, else from this default.
   */
  understandingReply: (req: RecordedGeminiRequest) => FakeGeminiStep = () =>
    FakeGeminiServer.text(
      JSON.stringify({ intent: 'other', confidence: 0.5, sentiment: 'neutral', sentimentScore: 0 }),
    );
  readonly understandingSteps: FakeGeminiStep[] = [];
  /** When set, requests with another key get Google's 400 API_KEY_INVALID. */
  expectedApiKey: string | undefined;
  private readonly steps: FakeGeminiStep[] = [];
  private readonly embedErrors: FakeGeminiStep[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeGeminiServer> {
    const server = createServer();
    const fake = new FakeGeminiServer(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  static text(text: string, finishReason = 'STOP'): FakeGeminiStep {
    return { type: 'reply', parts: [{ text }], finishReason };
  }

  static functionCall(name: string, args: Record<string, unknown>, id?: string): FakeGeminiStep {
    return {
      type: 'reply',
      parts: [{ functionCall: { name, args, ...(id ? { id } : {}) }, thoughtSignature: 'c2lnbmF0dXJl' }],
    };
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Scripts the next generation requests, in order. */
  enqueue(...steps: FakeGeminiStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  /** Makes the next embedding requests fail (only `error` and `hang` steps make sense here). */
  enqueueEmbeddingFailure(...steps: FakeGeminiStep[]): this {
    this.embedErrors.push(...steps);
    return this;
  }

  get pendingSteps(): number {
    return this.steps.length;
  }

  /** Chat (and re-rank) generation requests; intent classifications are in `understandingRequests`. */
  get generateRequests(): RecordedGeminiRequest[] {
    return this.requests.filter(
      (r) => (r.action === 'generateContent' || r.action === 'streamGenerateContent') && !isUnderstanding(r.body),
    );
  }

  get understandingRequests(): RecordedGeminiRequest[] {
    return this.requests.filter((r) => r.action === 'generateContent' && isUnderstanding(r.body));
  }

  get embedRequests(): RecordedGeminiRequest[] {
    return this.requests.filter((r) => r.action === 'embedContent' || r.action === 'batchEmbedContents');
  }

  reset(): void {
    this.requests.length = 0;
    this.steps.length = 0;
    this.embedErrors.length = 0;
    this.understandingSteps.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The vector the fake returns for `text`: signed feature hashing of words and word bigrams, L2-normalised. */
  static embed(text: string, dim = DEFAULT_EMBEDDING_DIM): number[] {
    const vec = new Array<number>(dim).fill(0);
    const words =
      text
        .toLowerCase()
        .normalize('NFKD')
        .match(/[a-z0-9]+/g) ?? [];
    const features = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
    for (const feature of features) {
      const h = createHash('sha1').update(feature).digest();
      const index = h.readUInt32BE(0) % dim;
      vec[index] += h[4] & 1 ? 1 : -1;
    }
    const norm = Math.sqrt(vec.reduce((s, v) => s + v * v, 0)) || 1;
    return vec.map((v) => v / norm);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    // Paths look like /v1beta/models/gemini-2.5-flash:generateContent
    const match = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/.exec(url.pathname);
    const raw = await readBody(req);
    if (!match || req.method !== 'POST') return sendError(res, 404, `Method not found: ${req.method} ${url.pathname}`);
    let body: GeminiRequestBody;
    try {
      body = raw ? (JSON.parse(raw) as GeminiRequestBody) : {};
    } catch {
      return sendError(res, 400, 'Invalid JSON payload received.');
    }
    const record: RecordedGeminiRequest = {
      method: req.method,
      path: url.pathname,
      model: match[2],
      action: match[3],
      query: Object.fromEntries(url.searchParams),
      apiKey: (req.headers['x-goog-api-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined,
      headers: req.headers,
      body,
    };
    this.requests.push(record);
    if (this.expectedApiKey !== undefined && record.apiKey !== this.expectedApiKey) {
      return sendError(res, 400, 'API key not valid. Please pass a valid API key.');
    }
    switch (record.action) {
      case 'generateContent':
      case 'streamGenerateContent': {
        const invalid = validateGenerateBody(body);
        if (invalid) return sendError(res, 400, invalid);
        const step = isUnderstanding(body)
          ? (this.understandingSteps.shift() ?? this.understandingReply(record))
          : (this.steps.shift() ?? this.defaultReply(record));
        return record.action === 'generateContent' ? this.answerUnary(step, res) : this.answerStream(step, res);
      }
      case 'batchEmbedContents':
      case 'embedContent':
        return this.answerEmbedding(record, res);
      default:
        return sendError(res, 404, `Method not found: ${record.action}`);
    }
  }

  private async answerUnary(step: FakeGeminiStep, res: ServerResponse): Promise<void> {
    if (step.type === 'hang') return; // the socket stays open until the client aborts or close() runs
    if ('delayMs' in step && step.delayMs) await sleep(step.delayMs);
    if (step.type === 'error') return sendError(res, step.status, step.message, step.retryAfterSeconds);
    if (step.type === 'cut') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.write('{"candidates": [{"content": {"parts": [{"text": "');
      res.socket?.destroy();
      return;
    }
    sendJson(res, 200, responseFor(step));
  }

  private async answerStream(step: FakeGeminiStep, res: ServerResponse): Promise<void> {
    if (step.type === 'hang') return;
    if ('delayMs' in step && step.delayMs) await sleep(step.delayMs);
    if (step.type === 'error') return sendError(res, step.status, step.message, step.retryAfterSeconds);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events = streamEventsFor(step);
    for (const event of events) {
      // Google terminates each SSE event with CRLF CRLF.
      res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
      await sleep(1);
    }
    if (step.type === 'cut') {
      const next = JSON.stringify(chunkResponse([{ text: ' and then' }]));
      res.write(`data: ${next.slice(0, Math.floor(next.length / 2))}`);
      await sleep(5);
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  private async answerEmbedding(record: RecordedGeminiRequest, res: ServerResponse): Promise<void> {
    const failure = this.embedErrors.shift();
    if (failure?.type === 'hang') return;
    if (failure?.type === 'error') {
      if (failure.delayMs) await sleep(failure.delayMs);
      return sendError(res, failure.status, failure.message, failure.retryAfterSeconds);
    }
    const { body } = record;
    if (record.action === 'embedContent') {
      const text = (body.content?.parts ?? []).map((p) => p.text ?? '').join(' ');
      if (!text) return sendError(res, 400, '* EmbedContentRequest.content: contents must not be empty');
      return sendJson(res, 200, { embedding: { values: FakeGeminiServer.embed(text, body.outputDimensionality) } });
    }
    const requests = body.requests ?? [];
    if (requests.length === 0) return sendError(res, 400, '* BatchEmbedContentsRequest.requests: must not be empty');
    if (requests.length > 100)
      return sendError(res, 400, '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch');
    const embeddings = requests.map((r) => {
      const text = (r.content?.parts ?? []).map((p) => p.text ?? '').join(' ');
      return { values: FakeGeminiServer.embed(text, r.outputDimensionality) };
    });
    sendJson(res, 200, { embeddings });
  }
}

function validateGenerateBody(body: GeminiRequestBody): string | undefined {
  if (!Array.isArray(body.contents) || body.contents.length === 0)
    return '* GenerateContentRequest.contents: contents is not specified';
  for (const [i, content] of body.contents.entries()) {
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') {
      return `Please use a valid role: user, model. (contents[${i}].role = ${content.role})`;
    }
    if (!Array.isArray(content.parts) || content.parts.length === 0) {
      return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
    }
    for (const part of content.parts) {
      const kinds = ['text', 'functionCall', 'functionResponse', 'inlineData', 'fileData'].filter((k) => k in part);
      if (kinds.length !== 1)
        return `* GenerateContentRequest.contents[${i}].parts: exactly one data field is required`;
    }
  }
  return undefined;
}

function usage(text: string) {
  const candidatesTokenCount = Math.max(1, Math.ceil(text.length / 4));
  return { promptTokenCount: 42, candidatesTokenCount, totalTokenCount: 42 + candidatesTokenCount };
}

function responseFor(step: Exclude<FakeGeminiStep, { type: 'error' } | { type: 'hang' } | { type: 'cut' }>) {
  if (step.type === 'blocked') {
    return {
      candidates: [
        {
          ...(step.partialText ? { content: { role: 'model', parts: [{ text: step.partialText }] } } : {}),
          finishReason: step.finishReason ?? 'SAFETY',
          index: 0,
          safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
        },
      ],
      usageMetadata: usage(''),
      modelVersion: 'gemini-2.5-flash',
      responseId: 'fake-response',
    };
  }
  const text = step.parts.map((p) => ('text' in p ? p.text : '')).join('');
  return {
    candidates: [
      { content: { role: 'model', parts: step.parts }, finishReason: step.finishReason ?? 'STOP', index: 0 },
    ],
    usageMetadata: usage(text),
    modelVersion: 'gemini-2.5-flash',
    responseId: 'fake-response',
  };
}

function chunkResponse(parts: GeminiPart[], finishReason?: string) {
  return {
    candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}), index: 0 }],
    modelVersion: 'gemini-2.5-flash',
    responseId: 'fake-response',
  };
}

/** Splits a reply into the event sequence Gemini streams: text pieces, then the finish reason and usage on the last. */
function streamEventsFor(step: Exclude<FakeGeminiStep, { type: 'error' } | { type: 'hang' }>): object[] {
  if (step.type === 'cut') return step.chunks.map((c) => chunkResponse([{ text: c }]));
  if (step.type === 'blocked') {
    const events: object[] = step.partialText ? [chunkResponse([{ text: step.partialText }])] : [];
    return [...events, responseFor({ ...step, partialText: undefined })];
  }
  const events: object[] = [];
  const textParts = step.parts.filter((p): p is { text: string } => 'text' in p);
  const callParts = step.parts.filter((p) => 'functionCall' in p);
  const text = textParts.map((p) => p.text).join('');
  const pieces = step.chunks ?? (text ? (text.match(/\S+\s*/g) ?? [text]).reduce<string[]>(groupInThrees, []) : []);
  for (const piece of pieces) events.push(chunkResponse([{ text: piece }]));
  if (callParts.length) events.push(chunkResponse(callParts));
  const last = { ...chunkResponse([{ text: '' }], step.finishReason ?? 'STOP'), usageMetadata: usage(text) };
  events.push(last);
  return events;
}

function groupInThrees(acc: string[], word: string, i: number): string[] {
  if (i % 3 === 0) acc.push(word);
  else acc[acc.length - 1] += word;
  return acc;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message?: string, retryAfterSeconds?: number): void {
  const details =
    retryAfterSeconds !== undefined
      ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` }]
      : undefined;
  const body = {
    error: {
      code: status,
      message: message ?? defaultMessage(status),
      status: STATUS_NAMES[status] ?? 'UNKNOWN',
      ...(details ? { details } : {}),
    },
  };
  sendJson(res, status, body, retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {});
}

function defaultMessage(status: number): string {
  switch (status) {
    case 429:
      return 'Resource has been exhausted (e.g. check quota).';
    case 503:
      return 'The model is overloaded. Please try again later.';
    case 500:
      return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';
    default:
      return 'Request failed.';
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
