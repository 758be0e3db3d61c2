import 'test/voice/support/voice-test-env';

import { businessFactory } from 'test/factories/business.factory';
import { callSid, voiceConfigFactory } from 'test/factories/voice.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';
import { PUBLIC_BASE_URL, twilioSignature } from 'test/voice/support/twilio-signing';

describe('POST /voice/incoming', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  async function tenantWithVoice(overrides: Record<string, unknown> = {}) {
    const business = businessFactory.build();
    await t.http.post('/admin/business').set(t.admin).send(business).expect(201);
    const voice = voiceConfigFactory.build(overrides);
    await t.http.put(`/admin/business/${business.businessId}/voice`).set(t.admin).send(voice).expect(200);
    return {
      businessId: business.businessId,
      token: voice.twilioAuthToken as string,
      number: (voice.phoneNumbers as string[])[0],
    };
  }

  function post(path: string, params: Record<string, string>, signature?: string) {
    const req = t.http.post(path).type('form').send(params);
    return signature ? req.set('X-Twilio-Signature', signature) : req;
  }

  it('connects a signed call to the media stream, routing by the called number', async () => {
    const tenant = await tenantWithVoice();
    const params = {
      CallSid: callSid(),
      To: tenant.number,
      From: '+14155550199',
      CallerCountry: 'US',
      AccountSid: 'AC00000000000000000000000000000000',
    };
    const res = await post(
      '/voice/incoming',
      params,
      twilioSignature(tenant.token, `${PUBLIC_BASE_URL}/voice/incoming`, params),
    ).expect(200);
    expect(res.headers['content-type']).toContain('text/xml');
    expect(res.text).toContain('<Stream url="wss://voice.test.example.com/media-stream">');
    expect(res.text).toContain(`<Parameter name="businessId" value="${tenant.businessId}"/>`);
    expect(res.text).toContain(`<Parameter name="callSid" value="${params.CallSid}"/>`);
    expect(res.text).toMatch(/<Parameter name="ticket" value="[A-Za-z0-9_-]{24}"\/>/);
    // The session metadata of the call (turn context metadata.from / .to / .callerCountry) rides on the stream.
    expect(res.text).toContain('<Parameter name="from" value="+14155550199"/>');
    expect(res.text).toContain(`<Parameter name="to" value="${tenant.number}"/>`);
    expect(res.text).toContain('<Parameter name="callerCountry" value="US"/>');
  });

  it('routes by the business_id query parameter, which is part of the signed URL', async () => {
    const tenant = await tenantWithVoice();
    const params = { CallSid: callSid(), To: '+14155550000' };
    const path = `/voice/incoming?business_id=${tenant.businessId}`;
    const res = await post(path, params, twilioSignature(tenant.token, `${PUBLIC_BASE_URL}${path}`, params)).expect(
      200,
    );
    expect(res.text).toContain(`value="${tenant.businessId}"`);
  });

  it('answers 403 to a tampered body', async () => {
    const tenant = await tenantWithVoice();
    const params = { CallSid: callSid(), To: tenant.number };
    const sig = twilioSignature(tenant.token, `${PUBLIC_BASE_URL}/voice/incoming`, params);
    await post('/voice/incoming', { ...params, From: '+19995550000' }, sig).expect(403);
  });

  it('answers 403 to a signature made for another URL (e.g. the Host header) or missing', async () => {
    const tenant = await tenantWithVoice();
    const params = { CallSid: callSid(), To: tenant.number };
    await post(
      '/voice/incoming',
      params,
      twilioSignature(tenant.token, 'http://127.0.0.1/voice/incoming', params),
    ).expect(403);
    await post('/voice/incoming', params).expect(403);
  });

  it("answers 403 to a signature made with another tenant's token", async () => {
    const [a, b] = [await tenantWithVoice(), await tenantWithVoice()];
    const params = { CallSid: callSid(), To: a.number };
    await post('/voice/incoming', params, twilioSignature(b.token, `${PUBLIC_BASE_URL}/voice/incoming`, params)).expect(
      403,
    );
  });

  it('politely hangs up on a number that belongs to no tenant', async () => {
    const params = { CallSid: callSid(), To: '+14155559876' };
    const res = await post('/voice/incoming', params, 'whatever').expect(200);
    expect(res.text).toMatch(/<Say>[^<]+<\/Say><Hangup\/>/);
    expect(res.text).not.toContain('<Stream');
  });

  it('politely hangs up when the tenant has voice disabled', async () => {
    const tenant = await tenantWithVoice({ enabled: false });
    const params = { CallSid: callSid(), To: tenant.number };
    const res = await post(
      '/voice/incoming',
      params,
      twilioSignature(tenant.token, `${PUBLIC_BASE_URL}/voice/incoming`, params),
    ).expect(200);
    expect(res.text).toMatch(/<Say>[^<]+<\/Say><Hangup\/>/);
  });
});
