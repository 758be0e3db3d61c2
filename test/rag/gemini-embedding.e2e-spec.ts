import { Logger } from '@nestjs/common';
import { GeminiEmbeddingProvider } from 'src/rag/embeddings/gemini-embedding.provider';
import { GeminiReranker } from 'src/rag/rerank/gemini.reranker';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';

const cosine = (a: Float32Array, b: ArrayLike<number>) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((sum, value) => sum + value * value, 0));

describe('Gemini embeddings and re-ranking against the fake Gemini API', () => {
  let fake: FakeGeminiServer;
  const provider = (overrides: Partial<ConstructorParameters<typeof GeminiEmbeddingProvider>[0]> = {}) =>
    new GeminiEmbeddingProvider({
      apiKey: 'test-key',
      model: 'gemini-embedding-001',
      baseUrl: fake.baseUrl,
      initialRetryDelaySeconds: 0.01,
      ...overrides,
    });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await FakeGeminiServer.start();
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await fake.close();
  });

  it('embeds 250 texts in batches of at most 100 as 768-dimension unit vectors in input order', async () => {
    const texts = Array.from({ length: 250 }, (_, i) => `chunk number ${i} about roofing leads`);

    const vectors = await provider().embed(texts);

    expect(fake.embedRequests.map((r) => r.body.requests?.length)).toEqual([100, 100, 50]);
    expect(vectors).toHaveLength(250);
    expect(vectors[0]).toHaveLength(768);
    expect(norm(vectors[137])).toBeCloseTo(1, 5);
    expect(cosine(vectors[137], FakeGeminiServer.embed(texts[137], 768))).toBeCloseTo(1, 5);
    expect(fake.embedRequests[0]).toMatchObject({ model: 'gemini-embedding-001', action: 'batchEmbedContents', apiKey: 'test-key' });
  });

  it('asks for RETRIEVAL_DOCUMENT vectors for chunks and RETRIEVAL_QUERY vectors for questions, truncated to 768', async () => {
    await provider().embed(['a stored chunk'], 'document');
    await provider().embed(['a user question?'], 'query');

    const [doc, query] = fake.embedRequests.map((r) => r.body.requests?.[0]);
    expect(doc).toMatchObject({ taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 768, model: 'models/gemini-embedding-001' });
    expect(query).toMatchObject({ taskType: 'RETRIEVAL_QUERY', outputDimensionality: 768 });
  });

  it('makes no request for an empty input', async () => {
    expect(await provider().embed([])).toEqual([]);
    expect(fake.embedRequests).toHaveLength(0);
  });

  it('retries a 429 and a 503 with backoff, then succeeds', async () => {
    fake.enqueueEmbeddingFailure({ type: 'error', status: 429 }, { type: 'error', status: 503 });

    const [vector] = await provider().embed(['booked jobs']);

    expect(fake.embedRequests).toHaveLength(3);
    expect(cosine(vector, FakeGeminiServer.embed('booked jobs', 768))).toBeCloseTo(1, 5);
  });

  it('gives up after its attempts with a coded 503-kind error that names no secret', async () => {
    fake.enqueueEmbeddingFailure(...Array.from({ length: 3 }, () => ({ type: 'error' as const, status: 500 })));

    const failure = provider({ attempts: 3 }).embed(['anything']);

    await expect(failure).rejects.toMatchObject({ kind: 'UNAVAILABLE', code: 'RAG.EMBEDDING_FAILED' });
    await expect(failure).rejects.not.toThrow(/test-key/);
    expect(fake.embedRequests).toHaveLength(3);
  });

  it('does not retry a 400 (bad request is not transient)', async () => {
    fake.enqueueEmbeddingFailure({ type: 'error', status: 400, message: 'bad input' });

    await expect(provider().embed(['x'])).rejects.toMatchObject({ code: 'RAG.EMBEDDING_FAILED' });
    expect(fake.embedRequests).toHaveLength(1);
  });

  describe(GeminiReranker.name, () => {
    const reranker = () => new GeminiReranker({ apiKey: 'test-key', model: 'gemini-2.5-flash', baseUrl: fake.baseUrl, timeoutMs: 2000 });
    const candidates = [
      { id: 'ads', text: 'Google Ads management by service and location.', score: 0.9 },
      { id: 'reviews', text: 'We automate review requests after every job.', score: 0.5 },
      { id: 'privacy', text: 'We do not sell personal information.', score: 0.4 },
    ];

    it('orders candidates by the model grades requested as schema-bound JSON', async () => {
      fake.enqueue(FakeGeminiServer.text(JSON.stringify({ scores: [{ index: 0, score: 2 }, { index: 1, score: 9 }, { index: 2, score: 0 }] })));

      const results = await reranker().rerank('how do I get more reviews?', candidates);

      expect(results.map((r) => r.id)).toEqual(['reviews', 'ads', 'privacy']);
      const config = fake.generateRequests[0].body.generationConfig;
      expect(config).toMatchObject({ responseMimeType: 'application/json', temperature: 0 });
      expect(JSON.stringify(fake.generateRequests[0].body.contents)).toContain('[1] We automate review requests');
    });

    it.each([
      ['an error status', { type: 'error' as const, status: 400 }],
      ['a reply that is not JSON', FakeGeminiServer.text('Sure! The second one.')],
      ['grades missing a candidate', FakeGeminiServer.text('{"scores":[{"index":1,"score":9}]}')],
    ])('falls back to the incoming order on %s', async (_case, step) => {
      fake.enqueue(step);

      const results = await reranker().rerank('how do I get more reviews?', candidates);

      expect(results.map((r) => r.id)).toEqual(['ads', 'reviews', 'privacy']);
    });
  });
});
