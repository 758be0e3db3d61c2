import type { AddressInfo } from 'node:net';

import { businessFactory } from 'test/factories/business.factory';
import { callSid as newCallSid, voiceConfigFactory } from 'test/factories/voice.factory';
import type { TestApp } from 'test/support/test-app';
import { SimulatedCaller } from 'test/voice/support/simulated-caller';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';

export interface VoiceTenant {
  businessId: string;
  token: string;
  number: string;
}

export async function createVoiceTenant(
  t: TestApp,
  business: Record<string, unknown> = {},
  voice: Record<string, unknown> = {},
): Promise<VoiceTenant> {
  const b = businessFactory.build(business);
  await t.http.post('/admin/business').set(t.admin).send(b).expect(201);
  const v = voiceConfigFactory.build(voice);
  await t.http.put(`/admin/business/${b.businessId}/voice`).set(t.admin).send(v).expect(200);
  return {
    businessId: b.businessId as string,
    token: v.twilioAuthToken as string,
    number: (v.phoneNumbers as string[])[0],
  };
}

type StreamOptions = { echoMarks?: boolean; signature?: string | null; signedUrl?: string; ticket?: string };

/** The <Parameter name="ticket"> of a <Connect><Stream> answer. */
export function ticketFrom(twiml: string): string {
  const m = /<Parameter name="ticket" value="([^"]+)"\/>/.exec(twiml);
  if (!m) throw new Error(`no ticket in TwiML: ${twiml}`);
  return m[1];
}

/** Every <Parameter> of a <Connect><Stream> answer: what Twilio echoes as the start frame's customParameters. */
export function streamParametersFrom(twiml: string): Record<string, string> {
  return Object.fromEntries(
    [...twiml.matchAll(/<Parameter name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]),
  );
}

/** The signed webhook Twilio posts when the call rings (`extra`: more of Twilio's fields); returns the TwiML. */
export async function ringWebhook(
  t: TestApp,
  tenant: VoiceTenant,
  callSid: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const params = { CallSid: callSid, To: tenant.number, From: '+14155550123', ...extra };
  const res = await t.http
    .post('/voice/incoming')
    .type('form')
    .set('X-Twilio-Signature', twilioSignature(tenant.token, `${PUBLIC_BASE_URL}/voice/incoming`, params))
    .send(params)
    .expect(200);
  return res.text;
}

/** Does what Twilio does for a call: the signed webhook (which issues the ticket), then the media stream. */
export async function placeCall(t: TestApp, tenant: VoiceTenant, opts: StreamOptions = {}): Promise<SimulatedCaller> {
  const callSid = newCallSid();
  const ticket = ticketFrom(await ringWebhook(t, tenant, callSid));
  return openStream(t, tenant, callSid, { ticket, ...opts });
}

export async function openStream(
  t: TestApp,
  tenant: VoiceTenant,
  callSid: string,
  opts: StreamOptions = {},
): Promise<SimulatedCaller> {
  const port = (t.app.getHttpServer().address() as AddressInfo).port;
  const caller = new SimulatedCaller({
    appUrl: `ws://127.0.0.1:${port}`,
    authToken: tenant.token,
    businessId: tenant.businessId,
    callSid,
    ...opts,
  });
  await caller.connect();
  return caller;
}
