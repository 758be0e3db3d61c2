import type { Transcript } from 'src/session/transcript.service';
import { TranscriptService } from 'src/session/transcript.service';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import type { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import type { TestApp } from 'test/support/test-app';
import { bootTestApp } from 'test/support/test-app';

/** The real app listening on a port, with the fake Gemini REST and Live servers its calls talk to. */
export interface VoiceApp {
  t: TestApp;
  /** The REST fake behind Live: scripts generateContent calls such as intent classification. */
  rest: FakeGeminiServer;
  close(): Promise<void>;
}

/**
 * Starts the fakes first (GEMINI_BASE_URL points at them, see voice-test-env.ts), then boots the app. Embeddings and
 * other REST calls share GEMINI_BASE_URL with Live; the Live fake forwards them to the REST fake.
 */
export async function startVoiceApp(
  live: FakeGeminiLiveServer,
  env: Record<string, string | undefined> = {},
): Promise<VoiceApp> {
  const rest = await FakeGeminiServer.start();
  await live.start(rest.baseUrl);
  const t = await bootTestApp(env);
  await t.app.listen(0, '127.0.0.1');
  return {
    t,
    rest,
    close: async () => {
      await t.close();
      await live.stop();
      await rest.close();
    },
  };
}

/** A call's transcript once `ready` says it holds what the test waits for (calls write it after they end). */
export async function waitForTranscript(
  t: TestApp,
  businessId: string,
  sessionId: string,
  ready: (transcript: Transcript) => boolean,
  what: string,
): Promise<Transcript> {
  const transcripts = t.app.get(TranscriptService);
  for (let i = 0; i < 100; i++) {
    const found = await transcripts.get(businessId, sessionId);
    if (found && ready(found)) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`transcript of ${sessionId} never ${what}`);
}
