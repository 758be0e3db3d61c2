import { TranscriptService } from 'src/session/transcript.service';
import { TWILIO_FRAME_BYTES } from 'src/voice/audio/frame-packer';
import { sineTone } from 'src/voice/audio/tone';
import { callSid } from 'test/factories/voice.factory';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { FakeGeminiLiveServer } from 'test/fakes/fake-gemini-live.server';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { ingestDocuments } from 'test/rag/knowledge-test-helpers';
import type { TestApp } from 'test/support/test-app';
import { toneSnrDb, zeroCrossingFrequency } from 'test/voice/support/signal-analysis';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';
import { startVoiceApp, type VoiceApp } from 'test/voice/support/voice-app';
import {
  createVoiceTenant,
  openStream,
  placeCall,
  ringWebhook,
  ticketFrom,
} from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

describe('WS /media-stream ⇄ Gemini Live', () => {
  let t: TestApp;
  let app: VoiceApp;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT });

  beforeAll(async () => {
    app = await startVoiceApp(live);
    t = app.t;
  });
  async function waitTranscript(businessId: string, sessionId: string) {
    const transcripts = t.app.get(TranscriptService);
    for (let i = 0; i < 50; i++) {
      const found = await transcripts.get(businessId, sessionId);
      if (found?.messages.length) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }

  afterAll(async () => app.close());

  it('bridges caller audio to the model and model audio back as 160-byte μ-law frames of the same tone', async () => {
    const tenant = await createVoiceTenant(t);
    const before = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const session = await live.session(before);
    expect(session.path).toContain('//ws/google.ai.generativelanguage');
    expect(session.systemInstruction).toContain('SECRET-PROMPT-CANARY');
    expect(session.toolNames).toEqual(expect.arrayContaining(['create_contact', 'search_knowledge_base']));
    await session.next((m) => !!m.clientContent);
    await caller.sendTone(1000, 1000);
    await caller.until(() => caller.media().length >= 45);
    const frames = caller.media();
    expect(frames.every((f) => f.length === TWILIO_FRAME_BYTES)).toBe(true);
    const audio = caller.receivedAudio().subarray(400);
    expect(zeroCrossingFrequency(audio, 8000)).toBeCloseTo(1000, -1);
    expect(toneSnrDb(audio, 8000, 1000)).toBeGreaterThan(25);
    caller.stop();
    await caller.waitClosed();
    await caller.until(() => session.socket.readyState === session.socket.CLOSED);
    // The tone was speech to the bridge: time from its last voiced frame to the first model audio is measured.
    const metrics = await t.http.get('/admin/voice/metrics').set(t.admin).expect(200);
    expect(metrics.body.metrics.responseLatencyMs.p50).toEqual(expect.any(Number));
    expect(metrics.body.metrics.framesOut).toBeGreaterThanOrEqual(45);
  });

  it('clears Twilio when the model is interrupted, drops the rest of that turn and keeps only what the caller heard', async () => {
    const tenant = await createVoiceTenant(t);
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant, { echoMarks: false });
    caller.start();
    const session = await live.session(idx);
    await session.next((m) => !!m.clientContent);
    session.send({
      serverContent: { outputTranscription: { text: 'one two three four five six seven eight nine ten' } },
    });
    // Ten 100 ms chunks: each becomes five 20 ms frames followed by a mark.
    for (let i = 0; i < 10; i++) session.sendAudio(sineTone({ freq: 500, rate: 24000, ms: 100 }));
    await caller.until(() => caller.received.filter((m) => m.event === 'mark').length >= 10);
    const marks = caller.received.filter((m) => m.event === 'mark').map((m) => m.mark!.name);
    expect(marks[4]).toMatch(/:25$/);
    // Twilio has played half of the audio when the caller starts talking.
    caller.sendJson({ event: 'mark', streamSid: caller.streamSid, mark: { name: marks[4] } });
    await new Promise((r) => setTimeout(r, 50));
    session.send({ serverContent: { interrupted: true } });
    await caller.until(() => caller.received.some((m) => m.event === 'clear'));
    // The rest of the interrupted turn is dropped: the next turn's 100 ms (five frames, then its mark) is all that
    // follows, and had anything of the dropped 200 ms been played it would have arrived before that mark.
    const framesBefore = caller.media().length;
    const marksBefore = caller.received.filter((m) => m.event === 'mark').length;
    session.sendAudio(sineTone({ freq: 500, rate: 24000, ms: 200 }));
    session.send({ serverContent: { turnComplete: true } });
    session.sendAudio(sineTone({ freq: 500, rate: 24000, ms: 100 }));
    await caller.until(() => caller.received.filter((m) => m.event === 'mark').length > marksBefore);
    expect(caller.media().length).toBe(framesBefore + 5);
    caller.stop();
    await caller.waitClosed();
    const transcript = await waitTranscript(tenant.businessId, caller.o.callSid);
    expect(transcript?.messages).toEqual([
      expect.objectContaining({
        role: 'assistant',
        content: 'one two three four five…',
        payload: { interrupted: true },
      }),
    ]);
  });

  it("records the caller's intent and sentiment per turn and keeps from, to and the caller's country on the session", async () => {
    const tenant = await createVoiceTenant(t);
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    // With a Gemini key, the reading is Gemini's structured output (the REST fake's scripted answer).
    app.rest.understandingSteps.push(
      FakeGeminiServer.text(
        JSON.stringify({ intent: 'complaint', confidence: 0.9, sentiment: 'negative', sentimentScore: -0.7 }),
      ),
    );
    caller.start({ from: '+14155550123', to: tenant.number, callerCountry: 'US' });
    const session = await live.session(idx);
    await session.next((m) => !!m.clientContent);
    session.send({ serverContent: { inputTranscription: { text: 'I am not happy, nobody called me back.' } } });
    session.send({ serverContent: { outputTranscription: { text: 'I am sorry to hear that.' } } });
    session.send({ serverContent: { turnComplete: true } });
    caller.stop();
    await caller.waitClosed();
    const transcript = await waitTranscript(tenant.businessId, caller.o.callSid);
    expect(transcript?.messages[0]).toMatchObject({
      role: 'user',
      content: 'I am not happy, nobody called me back.',
      intent: { name: 'complaint' },
      sentiment: { label: 'negative' },
    });
    const view = await t.http
      .get(`/admin/business/${tenant.businessId}/sessions/${caller.o.callSid}`)
      .set(t.admin)
      .expect(200);
    expect(view.body.clientMetadata).toEqual({ from: '+14155550123', to: tenant.number, callerCountry: 'US' });
    expect(view.body.transcript[0].intent.name).toBe('complaint');
  });

  it('apologises and ends the call when the model drops mid-call with nothing to resume', async () => {
    const tenant = await createVoiceTenant(t);
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const session = await live.session(idx);
    await session.next((m) => !!m.clientContent);
    session.socket.close(1011, 'internal error');
    await caller.waitClosed();
    expect(caller.closeCode).toBe(1000);
    expect(caller.received.some((m) => m.event === 'mark' && m.mark?.name === 'apology-end')).toBe(true);
    expect(live.sessions.length).toBe(idx + 1);
  });

  it('creates a CRM contact when the model calls create_contact, and answers with sendToolResponse', async () => {
    const tenant = await createVoiceTenant(t);
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const session = await live.session(idx);
    session.send({
      serverContent: { inputTranscription: { text: 'Hi, I am Jane Doe, my email is jane.voice@example.com' } },
    });
    session.send({
      toolCall: {
        functionCalls: [
          { id: 'fc-1', name: 'create_contact', args: { email: 'jane.voice@example.com', firstName: 'Jane' } },
        ],
      },
    });
    const reply = await session.next((m) => !!m.toolResponse);
    const responses = (reply.toolResponse as { functionResponses: { id: string; response: { ok: boolean } }[] })
      .functionResponses;
    expect(responses).toEqual([
      expect.objectContaining({ id: 'fc-1', response: expect.objectContaining({ ok: true }) }),
    ]);
    const contacts = await t.http.get(`/admin/business/${tenant.businessId}/crm/contacts`).set(t.admin).expect(200);
    expect(JSON.stringify(contacts.body)).toContain('jane.voice@example.com');
    caller.stop();
    await caller.waitClosed();
  });

  it("answers search_knowledge_base from the calling tenant's knowledge base only", async () => {
    const withKb = await createVoiceTenant(t);
    const withoutKb = await createVoiceTenant(t);
    const job = await ingestDocuments(t, withKb.businessId, plumbingDocumentsFactory.build());
    expect(job.status).toBe('completed');
    const search = async (tenant: typeof withKb) => {
      const idx = live.sessions.length;
      const caller = await placeCall(t, tenant);
      caller.start();
      const session = await live.session(idx);
      session.send({
        toolCall: {
          functionCalls: [{ id: 'kb-1', name: 'search_knowledge_base', args: { query: 'when is your office open' } }],
        },
      });
      const reply = await session.next((m) => !!m.toolResponse);
      caller.stop();
      await caller.waitClosed();
      return JSON.stringify(reply.toolResponse);
    };
    expect(await search(withKb)).toContain('Monday to Friday');
    expect(await search(withoutKb)).not.toContain('Monday to Friday');
  });

  it('runs no cancelled tool call', async () => {
    const tenant = await createVoiceTenant(t);
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const session = await live.session(idx);
    session.send({
      serverContent: { inputTranscription: { text: 'my email is ann@example.com and my phone is +1 415 555 0142' } },
    });
    session.send({
      toolCall: {
        functionCalls: [
          { id: 'keep', name: 'create_contact', args: { email: 'ann@example.com' } },
          { id: 'drop', name: 'create_deal', args: { title: 'Cancelled opportunity' } },
        ],
      },
    });
    session.send({ toolCallCancellation: { ids: ['drop'] } });
    const reply = await session.next((m) => !!m.toolResponse);
    const ids = (reply.toolResponse as { functionResponses: { id: string }[] }).functionResponses.map((r) => r.id);
    expect(ids).toEqual(['keep']);
    const contacts = await t.http.get(`/admin/business/${tenant.businessId}/crm/contacts`).set(t.admin).expect(200);
    expect(JSON.stringify(contacts.body)).toContain('ann@example.com');
    const deals = await t.http.get(`/admin/business/${tenant.businessId}/crm/deals`).set(t.admin).expect(200);
    expect(deals.body).toEqual([]);
    caller.stop();
    await caller.waitClosed();
  });

  it('reconnects with the resumption handle on goAway without dropping the call', async () => {
    const tenant = await createVoiceTenant(t);
    const idx = live.sessions.length;
    const caller = await placeCall(t, tenant);
    caller.start();
    const first = await live.session(idx);
    await first.next((m) => !!m.clientContent);
    first.send({ sessionResumptionUpdate: { newHandle: 'resume-handle-1', resumable: true } });
    first.send({ goAway: { timeLeft: '1s' } });
    const second = await live.session(idx + 1);
    expect(second.setup.sessionResumption).toEqual({ handle: 'resume-handle-1' });
    await caller.until(() => first.socket.readyState === first.socket.CLOSED);
    await caller.sendTone(800, 400);
    await caller.until(() => second.audioChunksIn >= 15);
    expect(caller.closeCode).toBeNull();
    caller.stop();
    await caller.waitClosed();
  });

  it('plays the apology and ends the stream when the model cannot be reached, then TwiML apologises', async () => {
    const tenant = await createVoiceTenant(t);
    live.refuseSetup = true;
    try {
      const sid = callSid();
      const params = { CallSid: sid, To: tenant.number };
      const caller = await openStream(t, tenant, sid, { ticket: ticketFrom(await ringWebhook(t, tenant, sid)) });
      caller.start();
      await caller.waitClosed(10_000);
      expect(caller.closeCode).toBe(1000);
      expect(caller.media().length).toBeGreaterThan(10);
      expect(caller.received.some((m) => m.event === 'mark' && m.mark?.name === 'apology-end')).toBe(true);
      const path = `/voice/stream-ended?business_id=${tenant.businessId}`;
      const res = await t.http
        .post(path)
        .type('form')
        .set('X-Twilio-Signature', twilioSignature(tenant.token, `${PUBLIC_BASE_URL}${path}`, params))
        .send(params)
        .expect(200);
      expect(res.text).toMatch(/<Say>Sorry[^<]+<\/Say><Hangup\/>/);
    } finally {
      live.refuseSetup = false;
    }
  });

  it('keeps two concurrent calls of different tenants apart: audio and transcripts never mix', async () => {
    const [a, b] = [
      await createVoiceTenant(t, { systemPrompt: 'Tenant A prompt' }),
      await createVoiceTenant(t, { systemPrompt: 'Tenant B prompt' }),
    ];
    const idx = live.sessions.length;
    const callerA = await placeCall(t, a);
    callerA.start();
    const sA = await live.session(idx);
    const callerB = await placeCall(t, b);
    callerB.start();
    const sB = await live.session(idx + 1);
    const byTenant = new Map([
      [sA.systemInstruction.includes('Tenant A') ? 'a' : 'b', sA],
      [sB.systemInstruction.includes('Tenant A') ? 'a' : 'b', sB],
    ]);
    expect(byTenant.size).toBe(2);
    await Promise.all([callerA.sendTone(600, 600, 2), callerB.sendTone(1400, 600, 2)]);
    await callerA.until(() => callerA.media().length >= 25);
    await callerB.until(() => callerB.media().length >= 25);
    expect(zeroCrossingFrequency(callerA.receivedAudio().subarray(400), 8000)).toBeCloseTo(600, -1);
    expect(zeroCrossingFrequency(callerB.receivedAudio().subarray(400), 8000)).toBeCloseTo(1400, -1);
    byTenant.get('a')!.send({ serverContent: { outputTranscription: { text: 'hello from A' }, turnComplete: true } });
    byTenant.get('b')!.send({ serverContent: { outputTranscription: { text: 'hello from B' }, turnComplete: true } });
    const [tA, tB] = await Promise.all(
      [a, b].map(async (tenant, i) =>
        JSON.stringify(await waitTranscript(tenant.businessId, [callerA, callerB][i].o.callSid)),
      ),
    );
    callerA.stop();
    callerB.stop();
    await Promise.all([callerA.waitClosed(), callerB.waitClosed()]);
    await callerA.until(() => live.openSockets() === 0);
    expect(tA).toContain('hello from A');
    expect(tA).not.toContain('hello from B');
    expect(tB).toContain('hello from B');
    expect(tB).not.toContain('hello from A');
  });
});
