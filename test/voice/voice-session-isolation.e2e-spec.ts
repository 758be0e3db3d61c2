import { SessionStore } from 'src/session/session-store.port';
import { SessionTokens } from 'src/session/session-tokens';
import { TranscriptService } from 'src/session/transcript.service';
import { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import type { TestApp } from 'test/support/test-app';
import { startVoiceApp, type VoiceApp, waitForTranscript } from 'test/voice/support/voice-app';
import { createVoiceTenant, placeCall } from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

/** Issue 11: a CallSid is logged, so it must not open the call's session (and the caller's details) through /chat. */
describe('Voice sessions seen from /chat', () => {
  let t: TestApp;
  let app: VoiceApp;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT });

  beforeAll(async () => {
    app = await startVoiceApp(live);
    t = app.t;
  });
  afterAll(async () => app.close());

  const transcriptWith = (businessId: string, callSid: string, text: string) =>
    waitForTranscript(
      t,
      businessId,
      callSid,
      (found) => JSON.stringify(found.messages).includes(text),
      `contained "${text}"`,
    );

  const chatAs = (businessId: string, callSid: string, extra: Record<string, unknown> = {}) =>
    t.http.post('/chat').send({ business_id: businessId, session_id: callSid, message: 'what is my email?', ...extra });

  it('refuses the CallSid of a live call and of the ended call with 403 session.voice_only, adding nothing to it', async () => {
    // The weakest setting: this tenant lets anyone continue chat sessions, yet its calls stay out of reach.
    const tenant = await createVoiceTenant(t, { settings: { sessionTokens: 'off' } });
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const session = await live.session(idx);
    await session.next((m) => !!m.clientContent);
    session.send({ serverContent: { inputTranscription: { text: 'my email is caller@example.com' } } });
    session.send({ serverContent: { outputTranscription: { text: 'Thanks, noted.' }, turnComplete: true } });
    const callSid = caller.o.callSid;
    const during = await transcriptWith(tenant.businessId, callSid, 'Thanks, noted.');

    const minted = t.app.get(SessionTokens).issue(tenant.businessId, callSid);
    const whileLive = [
      await chatAs(tenant.businessId, callSid),
      await chatAs(tenant.businessId, callSid, { session_token: minted }),
    ];
    const streamed = await t.http
      .post('/chat/stream')
      .send({ business_id: tenant.businessId, session_id: callSid, message: 'what is my email?' });

    caller.stop();
    await caller.waitClosed();
    const store = t.app.get(SessionStore);
    // The call's state is saved when it ends.
    for (let i = 0; i < 100 && !(await store.get(tenant.businessId, callSid)); i++)
      await new Promise((r) => setTimeout(r, 50));
    const afterwards = await chatAs(tenant.businessId, callSid);

    for (const res of [...whileLive, streamed, afterwards]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('session.voice_only');
      expect(JSON.stringify(res.body)).not.toContain('caller@example.com');
    }
    const after = await t.app.get(TranscriptService).get(tenant.businessId, callSid);
    expect(after?.channel).toBe('voice');
    expect(after?.messages).toEqual(during.messages);
    expect((await store.get(tenant.businessId, callSid))?.conversation.channel).toBe('voice');
  });
});
