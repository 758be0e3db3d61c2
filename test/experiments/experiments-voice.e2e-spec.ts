import { DataSource } from 'typeorm';

import { bucketOf, pickVariant } from 'src/experiments/experiment-assignment';
import { callSid as newCallSid } from 'test/factories/voice.factory';
import { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import type { TestApp } from 'test/support/test-app';
import { startVoiceApp, type VoiceApp } from 'test/voice/support/voice-app';
import { createVoiceTenant, openStream, ringWebhook, ticketFrom } from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

const VARIANTS = [
  { id: 'control', weight: 1, overrides: {} },
  {
    id: 'warm',
    weight: 1,
    overrides: { greetingMessage: 'Warm phone hello from Acme!', systemPrompt: 'VARIANT-PROMPT-MARKER' },
  },
];

describe('A/B experiments on phone calls', () => {
  let t: TestApp;
  let app: VoiceApp;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT });

  beforeAll(async () => {
    app = await startVoiceApp(live);
    t = app.t;
  });
  afterAll(async () => app.close());

  /** A call SID the deterministic assignment puts in `variant`. */
  const callIn = (businessId: string, variant: string): string => {
    for (;;) {
      const sid = newCallSid();
      if (pickVariant(VARIANTS, bucketOf(businessId, 'greet', sid)).id === variant) return sid;
    }
  };

  async function call(businessId: string, tenant: Awaited<ReturnType<typeof createVoiceTenant>>, variant: string) {
    const sid = callIn(businessId, variant);
    const ticket = ticketFrom(await ringWebhook(t, tenant, sid));
    const idx = live.sessions.length;
    const caller = await openStream(t, tenant, sid, { ticket });
    caller.start({ to: tenant.number });
    const session = await live.session(idx);
    const greeting = await session.next((m) => !!m.clientContent);
    caller.stop();
    await caller.waitClosed();
    return { sid, session, greeting: JSON.stringify(greeting.clientContent) };
  }

  it("greets with the variant's greeting over the line's own, runs its prompt, and records the exposure once", async () => {
    const tenant = await createVoiceTenant(t, {
      experiments: [{ id: 'greet', status: 'running', goal: 'handoff', variants: VARIANTS }],
    });
    const warm = await call(tenant.businessId, tenant, 'warm');
    expect(warm.greeting).toContain('Warm phone hello from Acme!');
    expect(warm.session.systemInstruction).toContain('VARIANT-PROMPT-MARKER');

    const control = await call(tenant.businessId, tenant, 'control');
    expect(control.greeting).toContain('Thanks for calling Acme Plumbing, how can I help?');
    expect(control.session.systemInstruction).not.toContain('VARIANT-PROMPT-MARKER');

    const db = t.app.get(DataSource);
    const rows = async (sid: string) => {
      for (let i = 0; i < 50; i++) {
        const found = await db.query<{ channel: string; payload: unknown }[]>(
          `SELECT channel, payload FROM analytics_events
           WHERE business_id = $1 AND session_id = $2 AND type = 'experiment_exposure'`,
          [tenant.businessId, sid],
        );
        if (found.length) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      return [];
    };
    expect(await rows(warm.sid)).toEqual([{ channel: 'voice', payload: { experimentId: 'greet', variantId: 'warm' } }]);
    expect(await rows(control.sid)).toEqual([
      { channel: 'voice', payload: { experimentId: 'greet', variantId: 'control' } },
    ]);
  });
});
