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

export async function createVoiceTenant(t: TestApp, business: Record<string, unknown> = {}, voice: Record<string, unknown> = {}): Promise<VoiceTenant> {
  const b = businessFactory.build(business);
  await t.http.post('/admin/business').set(t.admin).send(b).expect(201);
  const v = voiceConfigFactory.build(voice);
  await t.http.put(`/admin/business/${b.businessId}/voice`).set(t.admin).send(v).expect(200);
  return { businessId: b.businessId as string, token: v.twilioAuthToken as string, number: (v.phoneNumbers as string[])[0] };
}

/** Does what Twilio does for a call: the signed webhook (which issues the ticket), then the media stream. */
export async function placeCall(t: TestApp, tenant: VoiceTenant, opts: { echoMarks?: boolean; signature?: string | null; signedUrl?: string } = {}): Promise<SimulatedCaller> {
  const callSid = newCallSid();
  const params = { CallSid: callSid, To: tenant.number, From: '+14155550123' };
  await t.http
    .post('/voice/incoming')
    .type('form')
    .set('X-Twilio-Signature', twilioSignature(tenant.token, `${PUBLIC_BASE_URL}/voice/incoming`, params))
    .send(params)
    .expect(200);
  return openStream(t, tenant, callSid, opts);
}

export async function openStream(
  t: TestApp,
  tenant: VoiceTenant,
  callSid: string,
  opts: { echoMarks?: boolean; signature?: string | null; signedUrl?: string } = {},
): Promise<SimulatedCaller> {
  const port = (t.app.getHttpServer().address() as AddressInfo).port;
  const caller = new SimulatedCaller({ appUrl: `ws://127.0.0.1:${port}`, authToken: tenant.token, businessId: tenant.businessId, callSid, ...opts });
  await caller.connect();
  return caller;
}
