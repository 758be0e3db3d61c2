import type { AppConfig } from 'src/config/app-config.service';
import { GeminiClient } from 'src/gemini/gemini-client';
import { GeminiPolicy } from 'src/gemini/gemini-policy';
import { GeminiLiveConnector } from 'src/voice/live/gemini-live.connector';
import { strictMock } from 'test/support/strict-mock';

describe(GeminiLiveConnector.name, () => {
  it('answers a call without GEMINI_API_KEY with the coded model-unavailable error', async () => {
    const sut = new GeminiLiveConnector(
      strictMock<AppConfig>({ get: () => undefined }),
      new GeminiClient({ apiKey: undefined }),
      new GeminiPolicy(),
    );
    const options = { systemInstruction: 'x', tools: [], voiceName: null, language: null };
    await expect(sut.connect(options, { onMessage: jest.fn(), onClose: jest.fn() })).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      code: 'VOICE.MODEL_UNAVAILABLE',
      message: 'GEMINI_API_KEY is not set',
    });
  });
});
