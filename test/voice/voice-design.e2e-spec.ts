import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { DataSource } from 'typeorm';

import { CrmOutboxWorker } from 'src/crm/outbox/crm-outbox.worker';
import { businessFactory } from 'test/factories/business.factory';
import { callSid as newCallSid } from 'test/factories/voice.factory';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { FakeGeminiLiveServer, type FakeLiveSession } from 'test/fakes/fake-gemini-live.server';
import type { TestApp } from 'test/support/test-app';
import type { SimulatedCaller } from 'test/voice/support/simulated-caller';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';
import { startVoiceApp, type VoiceApp, waitForTranscript } from 'test/voice/support/voice-app';
import {
  createVoiceTenant,
  openStream,
  ringWebhook,
  streamParametersFrom,
  ticketFrom,
  type VoiceTenant,
} from 'test/voice/support/voice-call-harness';
import { FAKE_LIVE_PORT } from 'test/voice/support/voice-test-env';

const SECRET = 'voice-handoff-secret-0123';
const TRANSFER_TO = '+14155550199';

/** The text of a `clientContent` turn the bridge sent to the model, '' for anything else. */
const textOf = (m: Record<string, unknown>): string =>
  ((m.clientContent as { turns?: { parts?: { text?: string }[] }[] } | undefined)?.turns ?? [])
    .flatMap((turn) => turn.parts ?? [])
    .map((p) => p.text ?? '')
    .join('');
const sayLine = (line: string) =>
  `[Say exactly this to the caller, word for word, then listen: ${JSON.stringify(line)}]`;

/** Receives the hand-off webhook as a tenant's system would. */
class Receiver {
  readonly bodies: string[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.bodies.push(body);
      res.writeHead(204).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/handoff`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('Rules, flows and hand-off on voice calls', () => {
  let t: TestApp;
  let app: VoiceApp;
  let receiver: Receiver;
  let receiverUrl: string;
  const live = new FakeGeminiLiveServer({ port: FAKE_LIVE_PORT, echo: false });

  beforeAll(async () => {
    app = await startVoiceApp(live, { CRM_OUTBOX_POLL_MS: '0', CRM_OUTBOX_BASE_DELAY_MS: '10' });
    t = app.t;
    receiver = new Receiver();
    receiverUrl = await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await app.close();
  });

  /** Rings the signed webhook with Twilio's fields, then opens the stream with the parameters its TwiML carried. */
  async function call(
    tenant: VoiceTenant,
    fields: Record<string, string> = {},
  ): Promise<{ caller: SimulatedCaller; model: FakeLiveSession }> {
    const sid = newCallSid();
    const twiml = await ringWebhook(t, tenant, sid, fields);
    const idx = live.sessions.length;
    const caller = await openStream(t, tenant, sid, { ticket: ticketFrom(twiml) });
    const { businessId, callSid, ticket, ...caught } = streamParametersFrom(twiml);
    expect({ businessId, callSid, ticket }).toEqual({
      businessId: tenant.businessId,
      callSid: sid,
      ticket: expect.any(String),
    });
    caller.start(caught);
    const model = await live.session(idx);
    // The greeting prompt.
    await model.next((m) => !!m.clientContent);
    return { caller, model };
  }

  /** The caller says something and the model starts its own answer (that is when the utterance is over). */
  function callerSays(model: FakeLiveSession, words: string): void {
    model.send({ serverContent: { inputTranscription: { text: words } } });
    model.send({ serverContent: { outputTranscription: { text: 'Let me see' } } });
  }

  /** The model says a line in full. */
  function modelSays(model: FakeLiveSession, words: string): void {
    model.send({ serverContent: { outputTranscription: { text: words } } });
    model.send({ serverContent: { turnComplete: true } });
  }

  async function hangUp(caller: SimulatedCaller): Promise<void> {
    caller.stop();
    await caller.waitClosed();
  }

  /** What Twilio fetches when the stream ends: the TwiML that follows. */
  async function afterStream(tenant: VoiceTenant, sid: string): Promise<string> {
    const params = { CallSid: sid, To: tenant.number };
    const path = `/voice/stream-ended?business_id=${tenant.businessId}`;
    const res = await t.http
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(tenant.token, `${PUBLIC_BASE_URL}${path}`, params))
      .send(params)
      .expect(200);
    return res.text;
  }

  it("speaks a voice rule's reply to callers from the country it names (metadata.callerCountry), recording the caller's intent and the rule", async () => {
    const tenant = await createVoiceTenant(t, {
      rules: [
        'Be brief.',
        { id: 'chat-only', when: true, then: [{ reply: 'Never on a call.' }], channels: ['chat'] },
        {
          id: 'us-hours',
          when: { and: [{ '==': [{ var: 'metadata.callerCountry' }, 'US'] }, { '==': [{ var: 'channel' }, 'voice'] }] },
          then: [{ reply: 'Our US office is open nine to five, Monday to Friday.' }, { tag: 'us_caller' }],
          channels: ['voice'],
        },
      ],
    });

    app.rest.understandingSteps.push(
      FakeGeminiServer.text(
        JSON.stringify({ intent: 'other', confidence: 0.8, sentiment: 'neutral', sentimentScore: 0 }),
      ),
    );
    const us = await call(tenant, { CallerCountry: 'US', From: '+14155550123' });
    callerSays(us.model, 'When are you open?');
    const said = await us.model.next((m) => textOf(m).includes('nine to five'));
    expect(textOf(said)).toBe(sayLine('Our US office is open nine to five, Monday to Friday.'));
    // What Twilio had buffered of the model's own answer is cleared.
    await us.caller.until(() => us.caller.received.some((m) => m.event === 'clear'));
    us.model.send({ serverContent: { turnComplete: true } });
    modelSays(us.model, 'Our US office is open nine to five, Monday to Friday.');
    await hangUp(us.caller);
    const transcript = await waitForTranscript(
      t,
      tenant.businessId,
      us.caller.o.callSid,
      (tr) => tr.messages.length >= 2,
      'recorded the reply',
    );
    expect(transcript.messages.map((m) => [m.role, m.content, m.payload])).toEqual([
      ['user', 'When are you open?', null],
      [
        'assistant',
        'Our US office is open nine to five, Monday to Friday.',
        { rules: ['us-hours'], tags: ['us_caller'] },
      ],
    ]);
    expect(transcript.messages[0].intent).toEqual({ name: 'other', confidence: 0.8 });
    const view = await t.http
      .get(`/admin/business/${tenant.businessId}/sessions/${us.caller.o.callSid}`)
      .set(t.admin)
      .expect(200);
    expect(view.body.clientMetadata).toMatchObject({ from: '+14155550123', to: tenant.number, callerCountry: 'US' });

    // A caller from elsewhere gets the model's own answer: the rule reads the call's metadata.
    const gb = await call(tenant, { CallerCountry: 'GB', From: '+442071838750' });
    callerSays(gb.model, 'When are you open?');
    modelSays(gb.model, ' — we open at nine.');
    await hangUp(gb.caller);
    const other = await waitForTranscript(
      t,
      tenant.businessId,
      gb.caller.o.callSid,
      (tr) => tr.messages.length >= 2,
      'recorded the answer',
    );
    expect(other.messages.map((m) => [m.role, m.content, m.payload])).toEqual([
      ['user', 'When are you open?', null],
      ['assistant', 'Let me see — we open at nine.', null],
    ]);
    expect(gb.model.received.some((m) => textOf(m).includes('nine to five'))).toBe(false);
  });

  it("runs a flow on a call: the state's line is spoken with its CTAs as keypad options, and a digit moves it on", async () => {
    const tenant = await createVoiceTenant(t, {
      rules: [{ id: 'triage', when: { '==': [{ var: 'turn' }, 1] }, then: [{ startFlow: 'triage' }] }],
      flows: [
        {
          id: 'triage',
          start: 'choose',
          states: {
            choose: {
              say: 'Is this about prices or support?',
              ctas: ['pricing', 'support'],
              on: [
                { when: { '==': [{ var: 'cta' }, 'pricing'] }, to: 'prices' },
                { when: { '==': [{ var: 'cta' }, 'support'] }, to: 'support' },
              ],
            },
            prices: { say: 'A standard visit is ninety dollars.', end: true },
            support: { instruction: 'Help with the support question.', end: true },
          },
        },
      ],
    });
    const { caller, model } = await call(tenant);
    // The greeting is an assistant turn; `turn` still counts the caller's utterances, so the flow starts on turn 1.
    modelSays(model, 'Thanks for calling Acme Plumbing, how can I help?');
    callerSays(model, 'Hi, I have a question.');
    const menu = await model.next((m) => textOf(m).includes('prices or support'));
    expect(textOf(menu)).toBe(sayLine('Is this about prices or support? Press 1 for Pricing, press 2 for Support.'));
    model.send({ serverContent: { turnComplete: true } });
    modelSays(model, 'Is this about prices or support? Press 1 for Pricing, press 2 for Support.');
    // The keypad arrives on Twilio's socket, the model's turns on another: press once the line's turn is recorded.
    await waitForTranscript(t, tenant.businessId, caller.o.callSid, (tr) => tr.messages.length >= 3, 'had the line');

    caller.dtmf('1');
    // The digit stands for the CTA's message, as if the caller had said it.
    await model.next((m) => textOf(m) === 'How much does it cost?');
    model.send({ serverContent: { outputTranscription: { text: 'Prices start' } } });
    const line = await model.next((m) => textOf(m).includes('ninety dollars'));
    expect(textOf(line)).toBe(sayLine('A standard visit is ninety dollars.'));
    model.send({ serverContent: { turnComplete: true } });
    modelSays(model, 'A standard visit is ninety dollars.');
    await hangUp(caller);

    const transcript = await waitForTranscript(
      t,
      tenant.businessId,
      caller.o.callSid,
      (tr) => tr.messages.length >= 5,
      'recorded the flow',
    );
    expect(transcript.messages.map((m) => [m.role, m.content, m.payload])).toEqual([
      ['assistant', 'Thanks for calling Acme Plumbing, how can I help?', null],
      ['user', 'Hi, I have a question.', null],
      [
        'assistant',
        'Is this about prices or support? Press 1 for Pricing, press 2 for Support.',
        { rules: ['triage'], flow: { flow: 'triage', state: 'choose' } },
      ],
      ['user', 'How much does it cost?', { ctaId: 'pricing', via: 'dtmf' }],
      [
        'assistant',
        'A standard visit is ninety dollars.',
        { flow: { flow: 'triage', state: 'prices' }, flowEnded: true },
      ],
    ]);
    const ds = t.app.get(DataSource);
    const clicks = await ds.query<{ payload: Record<string, unknown> }[]>(
      "SELECT payload FROM analytics_events WHERE business_id = $1 AND session_id = $2 AND type = 'cta_clicked'",
      [tenant.businessId, caller.o.callSid],
    );
    expect(clicks.map((c) => c.payload)).toEqual([{ ctaId: 'pricing', via: 'dtmf' }]);
  });

  it('hands the call to a person on the human_handoff intent: hand-off row, signed webhook, then the call is transferred', async () => {
    const tenant = await createVoiceTenant(t, {
      handoff: { transferNumber: TRANSFER_TO, webhookUrl: receiverUrl, webhookSecret: SECRET },
    });
    app.rest.understandingSteps.push(
      FakeGeminiServer.text(
        JSON.stringify({ intent: 'human_handoff', confidence: 0.95, sentiment: 'neutral', sentimentScore: 0 }),
      ),
    );
    const { caller, model } = await call(tenant);
    callerSays(model, 'Can I speak to a real person please?');
    await caller.waitClosed();
    expect(caller.closeCode).toBe(1000);
    expect(caller.received.some((m) => m.event === 'clear')).toBe(true);

    const twiml = await afterStream(tenant, caller.o.callSid);
    expect(twiml).toContain(
      `<Say>Let me put you through to a member of the team. Please hold.</Say><Dial>${TRANSFER_TO}</Dial>`,
    );
    const open = await t.http.get(`/admin/business/${tenant.businessId}/handoffs`).set(t.admin).expect(200);
    expect(JSON.stringify(open.body)).toContain(caller.o.callSid);
    expect(JSON.stringify(open.body)).toContain('"channel":"voice"');

    await t.app.get(CrmOutboxWorker).runOnce();
    const delivered = receiver.bodies.map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(delivered).toContainEqual(
      expect.objectContaining({
        event: 'handoff',
        businessId: tenant.businessId,
        sessionId: caller.o.callSid,
        channel: 'voice',
        reason: 'intent:human_handoff',
        messages: [{ role: 'user', text: 'Can I speak to a real person please?' }],
      }),
    );
    const transcript = await waitForTranscript(
      t,
      tenant.businessId,
      caller.o.callSid,
      (tr) => tr.messages.length >= 2,
      'recorded the hand-off',
    );
    expect(transcript.messages.map((m) => [m.role, m.content, m.payload])).toEqual([
      ['user', 'Can I speak to a real person please?', null],
      [
        'assistant',
        'Let me put you through to a member of the team. Please hold.',
        { handoff: { reason: 'intent:human_handoff' } },
      ],
    ]);
    expect(transcript.messages[0].intent?.name).toBe('human_handoff');
  });

  it("hands off by a rule and, without a transfer number, says the tenant's message and hangs up", async () => {
    const tenant = await createVoiceTenant(t, {
      rules: [
        {
          id: 'billing',
          when: { in: ['invoice', { var: 'message' }] },
          then: [{ handoff: { reason: 'billing' } }],
          channels: ['voice'],
        },
      ],
      handoff: { message: 'Our billing team will call you back today. Goodbye.' },
    });
    const { caller, model } = await call(tenant);
    callerSays(model, 'I have a question about my invoice');
    await caller.waitClosed();
    const twiml = await afterStream(tenant, caller.o.callSid);
    expect(twiml).toContain('<Say>Our billing team will call you back today. Goodbye.</Say><Hangup/>');
    expect(twiml).not.toContain('<Dial>');
    const open = await t.http.get(`/admin/business/${tenant.businessId}/handoffs`).set(t.admin).expect(200);
    expect(JSON.stringify(open.body)).toContain('rule:billing');
  });

  it('refuses a transfer number that is not E.164 when the business is saved', async () => {
    const res = await t.http
      .post('/admin/business')
      .set(t.admin)
      .send(businessFactory.build({ handoff: { transferNumber: '555-0199' } }))
      .expect(400);
    expect(JSON.stringify(res.body)).toContain('handoff.transferNumber must be an E.164 phone number');
  });
});
