import Redis from 'ioredis';

import { TranscriptService } from 'src/session/transcript.service';
import { CallSessionFactory } from 'src/voice/call/call-session.factory';
import { callSid } from 'test/factories/voice.factory';
import { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import { TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';
import {
  createVoiceTenant,
  openStream,
  placeCall,
  ringWebhook,
  VoiceTenant,
} from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

describe('WS /media-stream admission: signatures, tickets and malformed frames', () => {
  let t: TestApp;
  let tenant: VoiceTenant;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT });

  beforeAll(async () => {
    await live.start();
    t = await bootTestApp();
    await t.app.listen(0, '127.0.0.1');
    tenant = await createVoiceTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await live.stop();
  });

  async function expectPolicyClose(caller: Awaited<ReturnType<typeof placeCall>>) {
    await caller.waitClosed();
    expect(caller.closeCode).toBe(1008);
  }

  it('closes with 1008 when the upgrade carries no signature, before any model session', async () => {
    const before = live.connections;
    const caller = await placeCall(t, tenant, { signature: null });
    await expectPolicyClose(caller);
    expect(live.connections).toBe(before);
  });

  it('closes with 1008 when the signature was made with the wrong token or for another URL', async () => {
    const before = live.connections;
    const wrongToken = await placeCall(t, tenant, {
      signature: twilioSignature('f'.repeat(32), `${PUBLIC_BASE_URL.replace('https', 'wss')}/media-stream`),
    });
    wrongToken.start();
    await expectPolicyClose(wrongToken);
    const wrongUrl = await placeCall(t, tenant, { signedUrl: 'wss://attacker.example.com/media-stream' });
    wrongUrl.start();
    await expectPolicyClose(wrongUrl);
    expect(live.connections).toBe(before);
  });

  it('refuses a validly signed stream for a call the webhook never accepted (replayed handshake)', async () => {
    const before = live.connections;
    const caller = await openStream(t, tenant, callSid());
    caller.start();
    await expectPolicyClose(caller);
    expect(live.connections).toBe(before);
  });

  it('refuses a stream that presents the wrong ticket for an accepted call', async () => {
    const sid = callSid();
    await ringWebhook(t, tenant, sid);
    const caller = await openStream(t, tenant, sid, { ticket: 'guessed-ticket' });
    caller.start();
    await expectPolicyClose(caller);
  });

  it('accepts a correctly signed stream for an accepted call', async () => {
    const caller = await placeCall(t, tenant);
    caller.start();
    await caller.until(() => live.sessions.length > 0 && live.openSockets() > 0);
    caller.stop();
    await caller.waitClosed();
    expect(caller.closeCode).toBe(1000);
  });

  it.each([
    ['a binary frame', (c: Awaited<ReturnType<typeof placeCall>>) => c.sendRaw(Buffer.from([1, 2, 3]), true)],
    [
      'a frame over 64 KiB',
      (c: Awaited<ReturnType<typeof placeCall>>) =>
        c.sendRaw(JSON.stringify({ event: 'media', media: { payload: 'A'.repeat(70_000) } })),
    ],
    ['a frame that is not JSON', (c: Awaited<ReturnType<typeof placeCall>>) => c.sendRaw('{not json')],
    [
      'a media frame whose payload is not base64',
      (c: Awaited<ReturnType<typeof placeCall>>) => c.sendJson({ event: 'media', media: { payload: '!!!' } }),
    ],
    [
      'a flood of frames',
      (c: Awaited<ReturnType<typeof placeCall>>) => {
        for (let i = 0; i < 400; i++) c.sendJson({ event: 'mark', mark: { name: `m${i}` } });
      },
    ],
  ])('closes the call with 1008 on %s and stays healthy', async (_name, misbehave) => {
    const caller = await placeCall(t, tenant);
    caller.start();
    await caller.until(() => live.openSockets() > 0);
    misbehave(caller);
    await expectPolicyClose(caller);
    await caller.until(() => live.openSockets() === 0);
    await t.http.get('/health').expect(200);
  });

  it('offers the CTA tree as a keypad menu and sends a chosen request to the model', async () => {
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const session = await live.session(idx);
    await session.next((m) => !!m.clientContent);
    caller.dtmf('1');
    caller.dtmf('1');
    const asked = await session.next((m) => JSON.stringify(m.clientContent ?? '').includes('How much does it cost?'));
    expect(asked).toBeDefined();
    expect(session.received.some((m) => JSON.stringify(m.clientContent ?? '').includes('press 1 for Pricing'))).toBe(
      true,
    );
    caller.stop();
    await caller.waitClosed();
  });

  it("hangs up a tenant's calls when the tenant is deleted", async () => {
    const doomed = await createVoiceTenant(t);
    const caller = await placeCall(t, doomed);
    caller.start();
    await caller.until(() => live.openSockets() > 0);
    await t.http.delete(`/admin/business/${doomed.businessId}`).set(t.admin).expect(200);
    await caller.waitClosed();
    expect(caller.closeCode).toBe(1000);
    expect(caller.closeReason).toBe('business deleted');
    // Nothing of the deleted tenant is written back once every call wrap-up and queued transcript write has settled.
    await t.app.get(CallSessionFactory).onApplicationShutdown();
    await t.app.get(TranscriptService).beforeApplicationShutdown();
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`*${doomed.businessId}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  describe('with at most 2 unauthenticated sockets, each allowed 1 s', () => {
    let capped: TestApp;
    let cappedTenant: VoiceTenant;
    beforeAll(async () => {
      capped = await bootTestApp({ VOICE_MAX_PENDING_STREAMS: '2', VOICE_START_TIMEOUT_MS: '1000' });
      await capped.app.listen(0, '127.0.0.1');
      cappedTenant = await createVoiceTenant(capped);
    });
    afterAll(async () => capped.close());

    it('refuses sockets beyond the cap at once with 1013, times the others out, and does not count live calls', async () => {
      const calls = [await placeCall(capped, cappedTenant), await placeCall(capped, cappedTenant)];
      for (const c of calls) c.start();
      await calls[0].until(() => live.openSockets() >= 2);
      const idle = [
        await openStream(capped, cappedTenant, callSid()),
        await openStream(capped, cappedTenant, callSid()),
      ];
      const extra = await openStream(capped, cappedTenant, callSid());
      await extra.waitClosed();
      expect([extra.closeCode, extra.closeReason]).toEqual([1013, 'too many pending streams']);
      for (const c of idle) {
        await c.waitClosed();
        expect([c.closeCode, c.closeReason]).toEqual([1008, 'no start frame in time']);
      }
      const next = await placeCall(capped, cappedTenant);
      next.start();
      await next.until(() => live.openSockets() >= 3);
      for (const c of [...calls, next]) c.stop();
      await Promise.all([...calls, next].map((c) => c.waitClosed()));
    });
  });

  it('reports call metrics to the admin', async () => {
    const metrics = async () =>
      (await t.http.get('/admin/voice/metrics').set(t.admin).expect(200)).body.metrics as Record<string, number>;
    const before = await metrics();
    // One accepted call and one rejected socket of its own, so the figures do not depend on the tests before it.
    const caller = await placeCall(t, tenant);
    caller.start();
    await caller.until(() => live.openSockets() > 0);
    caller.stop();
    await caller.waitClosed();
    await expectPolicyClose(await placeCall(t, tenant, { signature: null }));
    const after = await metrics();
    expect(after.callsTotal - before.callsTotal).toBe(1);
    expect(after.rejectedSockets - before.rejectedSockets).toBe(1);
    await t.http.get('/admin/voice/metrics').expect(401);
  });
});
