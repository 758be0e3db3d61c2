import { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import { bootTestApp, TestApp } from 'test/support/test-app';
import { createVoiceTenant, placeCall } from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

describe('Gemini Live outage', () => {
  let t: TestApp;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT, refuseSetup: true });

  beforeAll(async () => {
    await live.start();
    t = await bootTestApp();
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t.close();
    await live.stop();
  });

  it('stops dialling the model after repeated failures, so later callers get the apology at once', async () => {
    const tenant = await createVoiceTenant(t);
    const call = async () => {
      const caller = await placeCall(t, tenant);
      caller.start();
      await caller.waitClosed();
      expect(caller.closeCode).toBe(1000);
      expect(caller.received.some((m) => m.event === 'mark' && m.mark?.name === 'apology-end')).toBe(true);
    };
    for (let i = 0; i < 5; i++) await call();
    expect(live.connections).toBe(5);
    await call();
    expect(live.connections).toBe(5);
  });
});
