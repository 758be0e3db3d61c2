import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { chatter } from 'test/chat/chat.support';
import { businessFactory } from 'test/factories/business.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';
import { GOACCEL_INTENTS } from 'test/understanding/goaccel-intents';

const DATASET = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'goaccel-kb.jsonl');
const BOILERPLATE = /goawayhacker|Uncategorized|comments|Submit a Comment|Cancel reply|Read More/i;
const NO_ANSWER = /don't have that information/;

describe('Offline provider on the GoAccel knowledge base (defects of issue 14)', () => {
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    const business = businessFactory.build({
      businessName: 'GoAccel',
      websiteUrl: 'https://goaccel.ai',
      intents: GOACCEL_INTENTS,
    });
    businessId = business.businessId;
    await t.http.post('/admin/business').set(t.admin).send(business).expect(201);
    const accepted = await t.http
      .post(`/admin/business/${businessId}/knowledge/documents`)
      .set(t.admin)
      .set('Content-Type', 'application/x-ndjson')
      .send(readFileSync(DATASET, 'utf8'))
      .expect(202);
    const jobId = (accepted.body as { jobId: string }).jobId;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const job = await t.http.get(`/admin/business/${businessId}/knowledge/jobs/${jobId}`).set(t.admin).expect(200);
      const status = (job.body as { status: string }).status;
      if (status === 'completed') break;
      if (status === 'failed' || Date.now() > deadline) throw new Error(`ingestion ${JSON.stringify(job.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);

  afterAll(async () => {
    await t?.http.delete(`/admin/business/${businessId}`).set(t.admin);
    await t?.close();
  });

  async function greeted() {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    return c;
  }

  it('answers "What does GoAccel do?" with sentences about GoAccel, never blog-index boilerplate', async () => {
    const c = await greeted();
    const res = await c.send('What does GoAccel do?').expect(200);
    const answer = res.body.response as string;
    expect(answer).not.toMatch(BOILERPLATE);
    expect(answer).not.toMatch(NO_ANSWER);
    expect(answer).toMatch(/GoAccel (delivers|helps|is)/);
  });

  it.each([
    ['thanks', /welcome/i],
    ['thank you so much!', /welcome/i],
    ['how are you?', /doing well|here to help/i],
    ['bye', /thanks for chatting|have a great day/i],
  ])('answers the small talk "%s" with small talk, not "I don\'t have that information"', async (message, expected) => {
    const c = await greeted();
    const res = await c.send(message).expect(200);
    expect(res.body.response).toMatch(expected);
    expect(res.body.response).not.toMatch(NO_ANSWER);
  });

  it('after details given with a booking request, answers the next unrelated question as well as acknowledging them', async () => {
    const c = await greeted();
    const booking = await c
      .send("I'm Dana Whitfield, dana@whitfield-hvac.com, 415 555 2671. Can I book a demo?")
      .expect(200);
    expect(booking.body.response).toMatch(/book/i);
    const res = await c.send('Do you work with HVAC companies?').expect(200);
    const answer = res.body.response as string;
    expect(answer).toMatch(/HVAC/);
    expect(answer).not.toMatch(NO_ANSWER);
    expect(answer).not.toMatch(BOILERPLATE);
  });

  it.each(['What industries do you serve?', 'Can you help me get more reviews?', 'Do you manage Google Ads?'])(
    'answers "%s" from the knowledge base without listing boilerplate',
    async (question) => {
      const c = await greeted();
      const res = await c.send(question).expect(200);
      expect(res.body.response).not.toMatch(BOILERPLATE);
      expect(res.body.response).not.toMatch(NO_ANSWER);
    },
  );
});
