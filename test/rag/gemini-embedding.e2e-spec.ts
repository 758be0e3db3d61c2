import { Logger } from '@nestjs/common';

import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy, GeminiPolicyOptions } from 'src/gemini/gemini-policy';
import { GeminiEmbeddingOptions, GeminiEmbeddingProvider } from 'src/rag/embeddings/gemini-embedding.provider';
import { GeminiReranker } from 'src/rag/rerank/gemini.reranker';
import { businessFactory } from 'test/factories/business.factory';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { bootTestApp } from 'test/support/test-app';

const cosine = (a: Float32Array, b: ArrayLike<number>) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((sum, value) => sum + value * value, 0));

describe('Gemini embeddings and re-ranking against the fake Gemini API', () => {
  let fake: FakeGeminiServer;
  const client = () => new GeminiClient({ apiKey: 'test-key', baseUrl: fake.baseUrl });
  const provider = ({
    breakerThreshold,
    breakerHalfOpenAfterMs,
    ...overrides
  }: Partial<GeminiEmbeddingOptions> & GeminiPolicyOptions = {}) =>
    new GeminiEmbeddingProvider(client(), new GeminiPolicy({ breakerThreshold, breakerHalfOpenAfterMs }), {
      model: 'gemini-embedding-001',
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
    expect(fake.embedRequests[0]).toMatchObject({
      model: 'gemini-embedding-001',
      action: 'batchEmbedContents',
      apiKey: 'test-key',
    });
  });

  it('asks for RETRIEVAL_DOCUMENT vectors for chunks and RETRIEVAL_QUERY vectors for questions, truncated to 768', async () => {
    await provider().embed(['a stored chunk'], 'document');
    await provider().embed(['a user question?'], 'query');

    const [doc, query] = fake.embedRequests.map((r) => r.body.requests?.[0]);
    expect(doc).toMatchObject({
      taskType: 'RETRIEVAL_DOCUMENT',
      outputDimensionality: 768,
      model: 'models/gemini-embedding-001',
    });
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

  it('fails fast without calling Gemini once repeated outages open the circuit', async () => {
    fake.enqueueEmbeddingFailure({ type: 'error', status: 503 }, { type: 'error', status: 503 });
    const sut = provider({ attempts: 1, breakerThreshold: 2, breakerHalfOpenAfterMs: 60_000 });
    await expect(sut.embed(['a'])).rejects.toMatchObject({ code: 'RAG.EMBEDDING_FAILED' });
    await expect(sut.embed(['b'])).rejects.toMatchObject({ code: 'RAG.EMBEDDING_FAILED' });

    await expect(sut.embed(['c'])).rejects.toThrow(/paused after repeated failures/);
    expect(fake.embedRequests).toHaveLength(2);
  });

  it('does not count bad requests towards opening the circuit', async () => {
    fake.enqueueEmbeddingFailure({ type: 'error', status: 400 }, { type: 'error', status: 400 });
    const sut = provider({ attempts: 1, breakerThreshold: 2 });
    await expect(sut.embed(['a'])).rejects.toMatchObject({ code: 'RAG.EMBEDDING_FAILED' });
    await expect(sut.embed(['b'])).rejects.toMatchObject({ code: 'RAG.EMBEDDING_FAILED' });

    expect(await sut.embed(['c'])).toHaveLength(1);
  });

  describe(GeminiReranker.name, () => {
    const reranker = () =>
      new GeminiReranker(client(), new GeminiPolicy(), { model: 'gemini-2.5-flash', timeoutMs: 2000 });
    const candidates = [
      { id: 'ads', text: 'Google Ads management by service and location.', score: 0.9 },
      { id: 'reviews', text: 'We automate review requests after every job.', score: 0.5 },
      { id: 'privacy', text: 'We do not sell personal information.', score: 0.4 },
    ];

    it('orders candidates by the model grades requested as schema-bound JSON', async () => {
      fake.enqueue(
        FakeGeminiServer.text(
          JSON.stringify({
            scores: [
              { index: 0, score: 2 },
              { index: 1, score: 9 },
              { index: 2, score: 0 },
            ],
          }),
        ),
      );

      const results = await reranker().rerank('how do I get more reviews?', candidates);

      expect(results.map((r) => r.id)).toEqual(['reviews', 'ads', 'privacy']);
      const config = fake.generateRequests[0].body.generationConfig;
      expect(config).toMatchObject({ responseMimeType: 'application/json', temperature: 0 });
      expect(JSON.stringify(fake.generateRequests[0].body.contents)).toContain('[1] We automate review requests');
    });

    it('stops asking the model while it is failing and answers in the incoming order at once', async () => {
      const sut = new GeminiReranker(
        client(),
        new GeminiPolicy({ breakerThreshold: 1, breakerHalfOpenAfterMs: 60_000 }),
        { model: 'gemini-2.5-flash' },
      );
      fake.enqueue({ type: 'error', status: 503 }, { type: 'error', status: 503 });
      await sut.rerank('reviews?', candidates);
      const calls = fake.generateRequests.length;

      const results = await sut.rerank('reviews?', candidates);

      expect(results.map((r) => r.id)).toEqual(['ads', 'reviews', 'privacy']);
      expect(fake.generateRequests).toHaveLength(calls);
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

  it('with GEMINI_API_KEY set, the app embeds chunks and questions through Gemini and re-ranks with it', async () => {
    fake.defaultReply = (req) => {
      // Grade every passage the re-ranker sent; the one about reviews is the answer.
      const prompt = JSON.stringify(req.body.contents);
      const count = (prompt.match(/\[\d+\] /g) ?? []).length;
      const scores = Array.from({ length: count }, (_, index) => ({ index, score: 1 }));
      const reviews = /\[(\d+)\] [^[]*review requests/.exec(prompt);
      if (reviews) scores[Number(reviews[1])].score = 10;
      return FakeGeminiServer.text(JSON.stringify({ scores }));
    };
    const t = await bootTestApp({ GEMINI_API_KEY: 'app-key', GEMINI_BASE_URL: fake.baseUrl });
    const business = businessFactory.build();
    try {
      await t.http.post('/admin/business').set(t.admin).send(business).expect(201);
      const accepted = await t.http
        .post(`/admin/business/${business.businessId}/knowledge/documents`)
        .set(t.admin)
        .send({
          documents: [
            {
              url: 'https://acme.example.com/reviews',
              title: 'Reviews',
              text: 'We automate review requests after every job so happy customers post on Google.',
            },
            {
              url: 'https://acme.example.com/ads',
              title: 'Ads',
              text: 'Google Ads campaigns built by service and location, optimized weekly.',
            },
            {
              url: 'https://acme.example.com/privacy',
              title: 'Privacy',
              text: 'We never sell personal information to third parties.',
            },
          ],
        })
        .expect(202);
      const jobUrl = `/admin/business/${business.businessId}/knowledge/jobs/${(accepted.body as { jobId: string }).jobId}`;
      for (let status = ''; status !== 'completed';) {
        status = ((await t.http.get(jobUrl).set(t.admin).expect(200)).body as { status: string }).status;
        if (status === 'failed') throw new Error('ingestion failed');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const res = await t.http
        .get(`/admin/business/${business.businessId}/knowledge/search`)
        .query({ q: 'how do I get more reviews from customers?' })
        .set(t.admin)
        .expect(200);

      expect((res.body as { results: Array<{ url: string }> }).results[0].url).toBe('https://acme.example.com/reviews');
      const embedded = fake.embedRequests.flatMap((r) => r.body.requests ?? []);
      expect(embedded.filter((r) => r.taskType === 'RETRIEVAL_DOCUMENT')).toHaveLength(3);
      expect(embedded.filter((r) => r.taskType === 'RETRIEVAL_QUERY')).toHaveLength(1);
      expect(embedded.every((r) => r.outputDimensionality === 768 && r.model === 'models/gemini-embedding-001')).toBe(
        true,
      );
      expect(fake.embedRequests.every((r) => r.apiKey === 'app-key')).toBe(true);
      expect(fake.generateRequests.length).toBeGreaterThanOrEqual(1);
    } finally {
      await t.http.delete(`/admin/business/${business.businessId}`).set(t.admin);
      await t.close();
      fake.defaultReply = () => FakeGeminiServer.text('Happy to help with that.');
    }
  });
});
