import 'test/voice/support/voice-test-env';

import { DrainState } from 'src/common/lifecycle/drain-state';
import { callSid } from 'test/factories/voice.factory';
import { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import type { TestApp } from 'test/support/test-app';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';
import { startVoiceApp, type VoiceApp } from 'test/voice/support/voice-app';
import {
  createVoiceTenant,
  openStream,
  ringWebhook,
  ticketFrom,
  VoiceTenant,
} from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

const GRACE_MS = 1500;

describe('Draining live calls (SHUTDOWN_CALL_GRACE_S)', () => {
  let t: TestApp;
  let app: VoiceApp;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT });

  beforeAll(async () => {
    app = await startVoiceApp(live);
    t = app.t;
  });
  afterAll(async () => app.close());

  async function liveCall(tenant: VoiceTenant) {
    const sid = callSid();
    const idx = live.sessions.length;
    const caller = await openStream(t, tenant, sid, { ticket: ticketFrom(await ringWebhook(t, tenant, sid)) });
    caller.start();
    const session = await live.session(idx);
    await session.next((m) => !!m.clientContent);
    return { sid, caller };
  }

  async function afterStreamTwiml(tenant: VoiceTenant, sid: string): Promise<string> {
    const path = `/voice/stream-ended?business_id=${tenant.businessId}`;
    const params = { CallSid: sid, To: tenant.number };
    const res = await t.http
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(tenant.token, `${PUBLIC_BASE_URL}${path}`, params))
      .send(params)
      .expect(200);
    return res.text;
  }

  it('lets calls run through the grace, ends the rest with the apology and hang-up, and waits for them', async () => {
    const tenant = await createVoiceTenant(t);
    const staying = await liveCall(tenant);
    const leaving = await liveCall(tenant);

    const started = Date.now();
    let drained = false;
    const drain = t.app
      .get(DrainState)
      .drainParticipants(GRACE_MS)
      .then(() => (drained = true));
    // A caller who hangs up during the grace ends the usual way.
    await new Promise((r) => setTimeout(r, 300));
    leaving.caller.stop();
    await leaving.caller.waitClosed();
    await new Promise((r) => setTimeout(r, 500));
    expect(staying.caller.closeCode).toBeNull();
    expect(drained).toBe(false);

    await staying.caller.waitClosed(GRACE_MS + 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(GRACE_MS);
    expect(staying.caller.closeCode).toBe(1000);
    expect(staying.caller.received.some((m) => m.event === 'mark' && m.mark?.name === 'apology-end')).toBe(true);
    await drain;
    expect(await afterStreamTwiml(tenant, staying.sid)).toMatch(
      /<Say>Sorry, our assistant is having trouble[^<]+<\/Say><Hangup\/>/,
    );
    expect(leaving.caller.received.some((m) => m.event === 'mark' && m.mark?.name === 'apology-end')).toBe(false);
    expect(await afterStreamTwiml(tenant, leaving.sid)).not.toContain('Sorry');
  });
});
