import { Logger } from '@nestjs/common';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { LlmErrorCode } from 'src/chat/providers/llm.errors';
import { EmbeddingProvider } from 'src/rag/embedding-provider.port';
import { Reranker } from 'src/rag/rerank/reranker.port';
import { LiveModelConnector } from 'src/voice/live/live-model.port';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

/**
 * The policy documented in src/gemini/gemini-policy.ts: chat, embeddings, re-ranking and Live share one breaker,
 * so an outage one of them sees pauses the others too, without another request reaching Gemini.
 */
describe('one Gemini breaker shared by chat, embeddings, re-ranking and Live', () => {
  let fake: FakeGeminiServer;
  let t: TestApp;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await FakeGeminiServer.start();
    t = await bootTestApp({
      GEMINI_API_KEY: 'shared-key',
      GEMINI_BASE_URL: fake.baseUrl,
      GEMINI_BREAKER_THRESHOLD: '1',
      GEMINI_BREAKER_HALF_OPEN_MS: '60000',
    });
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('pauses embeddings, re-ranking and Live once chat has seen Gemini fail', async () => {
    fake.enqueue(...Array.from({ length: 3 }, () => ({ type: 'error' as const, status: 503 })));
    const chat = t.app.get(LlmProvider);
    await expect(
      chat.generate({
        systemInstruction: 'You are a concierge.',
        turns: [{ role: 'user', text: 'Hello?' }],
        tools: [],
        grounding: { passages: [], captured: {}, missing: [], businessName: 'Acme' },
      }),
    ).rejects.toMatchObject({ code: LlmErrorCode.UNAVAILABLE });
    const chatRequests = fake.generateRequests.length;

    await expect(t.app.get(EmbeddingProvider).embed(['a chunk'])).rejects.toMatchObject({
      code: 'RAG.EMBEDDING_FAILED',
      message: expect.stringContaining('paused after repeated failures') as string,
    });
    const candidates = [
      { id: 'first', text: 'first passage', score: 0.9 },
      { id: 'second', text: 'second passage', score: 0.5 },
    ];
    await expect(t.app.get(Reranker).rerank('which?', candidates)).resolves.toEqual([
      { id: 'first', score: 0.9 },
      { id: 'second', score: 0.5 },
    ]);
    await expect(
      t.app
        .get(LiveModelConnector)
        .connect(
          { systemInstruction: 'x', tools: [], voiceName: null, language: null },
          { onMessage: () => undefined, onClose: () => undefined },
        ),
    ).rejects.toMatchObject({ code: 'VOICE.MODEL_PAUSED' });

    expect(chatRequests).toBe(3);
    expect(fake.generateRequests).toHaveLength(3);
    expect(fake.embedRequests).toHaveLength(0);
  });
});
