import { businessFactory } from 'test/factories/business.factory';
import { twilioAuthToken, uniquePhoneNumber, voiceConfigFactory } from 'test/factories/voice.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('PUT/GET /admin/business/:id/voice', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  async function newBusiness(): Promise<string> {
    const business = businessFactory.build();
    await t.http.post('/admin/business').set(t.admin).send(business).expect(201);
    return business.businessId;
  }

  it('stores the config and returns it with the token redacted', async () => {
    const id = await newBusiness();
    const body = voiceConfigFactory.build();
    const put = await t.http.put(`/admin/business/${id}/voice`).set(t.admin).send(body).expect(200);
    expect(put.body.voice).toMatchObject({
      businessId: id,
      enabled: true,
      phoneNumbers: body.phoneNumbers,
      twilioAuthToken: '********',
    });
    const get = await t.http.get(`/admin/business/${id}/voice`).set(t.admin).expect(200);
    expect(JSON.stringify(get.body)).not.toContain(body.twilioAuthToken);
    expect(get.body.voice.maxCallSeconds).toBe(600);
    const business = await t.http.get(`/api/business/${id}/config`).expect(200);
    expect(business.body.config.voiceEnabled).toBe(true);
  });

  it('keeps the stored token when a later PUT omits it', async () => {
    const id = await newBusiness();
    const body = voiceConfigFactory.build();
    await t.http.put(`/admin/business/${id}/voice`).set(t.admin).send(body).expect(200);
    const { twilioAuthToken: _omit, ...rest } = body;
    const again = await t.http
      .put(`/admin/business/${id}/voice`)
      .set(t.admin)
      .send({ ...rest, enabled: false })
      .expect(200);
    expect(again.body.voice.enabled).toBe(false);
    const business = await t.http.get(`/api/business/${id}/config`).expect(200);
    expect(business.body.config.voiceEnabled).toBe(false);
  });

  it('requires the token the first time', async () => {
    const id = await newBusiness();
    const { twilioAuthToken: _omit, ...rest } = voiceConfigFactory.build();
    const res = await t.http.put(`/admin/business/${id}/voice`).set(t.admin).send(rest).expect(400);
    expect(res.body.message).toContain('twilioAuthToken');
  });

  it('answers 409 when a number already belongs to another business, writing nothing', async () => {
    const [a, b] = [await newBusiness(), await newBusiness()];
    const shared = uniquePhoneNumber();
    await t.http
      .put(`/admin/business/${a}/voice`)
      .set(t.admin)
      .send(voiceConfigFactory.build({ phoneNumbers: [shared] }))
      .expect(200);
    const res = await t.http
      .put(`/admin/business/${b}/voice`)
      .set(t.admin)
      .send(voiceConfigFactory.build({ phoneNumbers: [uniquePhoneNumber(), shared] }))
      .expect(409);
    expect(res.body.code).toBe('VOICE.NUMBER_TAKEN');
    await t.http.get(`/admin/business/${b}/voice`).set(t.admin).expect(404);
    // The business's voice flag is written in the same transaction, so it rolled back with the rejected config.
    const business = await t.http.get(`/api/business/${b}/config`).expect(200);
    expect(business.body.config.voiceEnabled).toBe(false);
  });

  it('rejects a number that is not E.164, naming the field', async () => {
    const id = await newBusiness();
    const res = await t.http
      .put(`/admin/business/${id}/voice`)
      .set(t.admin)
      .send(voiceConfigFactory.build({ phoneNumbers: ['415-555-0100'] }))
      .expect(400);
    expect(JSON.stringify(res.body.message)).toContain('phoneNumbers');
  });

  it('needs the admin key', async () => {
    const id = await newBusiness();
    await t.http
      .put(`/admin/business/${id}/voice`)
      .send(voiceConfigFactory.build({ twilioAuthToken: twilioAuthToken() }))
      .expect(401);
    await t.http.get(`/admin/business/${id}/voice`).expect(401);
  });

  it('answers 404 for an unknown business', async () => {
    await t.http.put('/admin/business/no-such-biz-x/voice').set(t.admin).send(voiceConfigFactory.build()).expect(404);
  });

  it('frees the numbers when the business is deleted', async () => {
    const id = await newBusiness();
    const number = uniquePhoneNumber();
    await t.http
      .put(`/admin/business/${id}/voice`)
      .set(t.admin)
      .send(voiceConfigFactory.build({ phoneNumbers: [number] }))
      .expect(200);
    await t.http.delete(`/admin/business/${id}`).set(t.admin).expect(200);
    const other = await newBusiness();
    await t.http
      .put(`/admin/business/${other}/voice`)
      .set(t.admin)
      .send(voiceConfigFactory.build({ phoneNumbers: [number] }))
      .expect(200);
  });

  it('documents the voice endpoints in OpenAPI with stable operation ids', async () => {
    const doc = await t.http.get('/docs-json').expect(200);
    const ops = Object.values(doc.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) =>
      Object.values(p).map((o) => o.operationId),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        'VoiceAdmin_putVoiceConfig',
        'VoiceAdmin_getVoiceConfig',
        'VoiceWebhook_answerIncomingCall',
        'VoiceWebhook_answerStreamEnded',
        'VoiceMetrics_getVoiceMetrics',
      ]),
    );
  });
});
