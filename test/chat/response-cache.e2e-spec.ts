import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { REDIS } from 'src/redis/redis-infra.module';
import { chatter, createTenant, parseSse } from 'test/chat/chat.support';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { ingestDocuments, kbPath } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

const QUESTION = 'What are your opening hours?';
const ANSWER = 'We are open <b>Monday to Friday</b> from 8am to 6pm.';

/** Two instances on the same Postgres and Redis, both answering with the real SDK against one fake Gemini. */
describe('Response cache (POST /chat, real SDK against the fake Gemini server, two instances on one Redis)', () => {
  let fake: FakeGeminiServer;
  let a: TestApp;
  let b: TestApp;
  let businessId: string;

  /** Chat replies only: retrieval's re-ranker calls Gemini too, and is counted apart. */
  const modelCalls = () =>
    fake.generateRequests.filter((r) =>
      r.body.systemInstruction?.parts.some((p) => p.text?.includes('BUSINESS / TENANT SPECIFIC INSTRUCTIONS')),
    ).length;
  const boot = (name: string) =>
    bootTestApp({
      GEMINI_API_KEY: 'test-gemini-key',
      GEMINI_BASE_URL: fake.baseUrl,
      RESPONSE_CACHE_TTL_S: '60',
      DATA_DIR: mkdtempSync(join(tmpdir(), `cache-${name}-`)),
    });

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
    fake.defaultReply = () => FakeGeminiServer.text(ANSWER);
    a = await boot('a');
    b = await boot('b');
  }, 60_000);
  afterAll(async () => {
    // See knowledge-instances.e2e-spec.ts: the second app's Redis client outlives the first app's shutdown.
    const clients = [a, b].map((x) => x.app.get<Redis>(REDIS, { strict: false }));
    await a.close();
    await b.close();
    for (const c of clients) c.disconnect();
    await fake.close();
  });
  beforeEach(async () => {
    businessId = await createTenant(a);
    await ingestDocuments(a, businessId, plumbingDocumentsFactory.build());
    fake.reset();
  }, 60_000);

  async function events(sessionId: string, type: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{ payload: Record<string, unknown> }> = await a.app
      .get(DataSource)
      .query('SELECT payload FROM analytics_events WHERE business_id = $1 AND session_id = $2 AND type = $3', [
        businessId,
        sessionId,
        type,
      ]);
    return rows.map((r) => r.payload);
  }

  it('answers the same question from two new sessions with one model call and the identical reply', async () => {
    const first = chatter(a.http, businessId);
    const one = await first.send(QUESTION).expect(200);
    const afterFirst = fake.requests.length;
    const second = chatter(a.http, businessId);
    const two = await second.send(`  what are your OPENING hours `).expect(200);

    expect(modelCalls()).toBe(1);
    // Only the visitor's message is classified; no embedding, re-ranking or generation: retrieval was skipped.
    expect(fake.requests.slice(afterFirst).map((r) => r.action)).toEqual(['generateContent']);
    expect(one.body.response).toContain(ANSWER);
    expect(two.body.response).toBe(one.body.response);
    expect(two.body.sources).toEqual(one.body.sources);
    expect(two.body.sources).toEqual(
      expect.arrayContaining([expect.objectContaining({ url: 'https://acme.example.com/hours' })]),
    );
    expect(two.body.ctas).toEqual(one.body.ctas);
    expect(await events(first.sessionId, 'assistant_message')).toEqual([
      expect.objectContaining({ cached: false, provider: 'gemini' }),
    ]);
    expect(await events(second.sessionId, 'assistant_message')).toEqual([
      expect.objectContaining({ cached: true, provider: 'gemini' }),
    ]);
    const transcript = await a.http.get(`/admin/business/${businessId}/sessions/${second.sessionId}`).set(a.admin);
    expect(JSON.stringify(transcript.body)).toContain('Monday to Friday');
    // The business sees it on its dashboard: one miss (the model answered and the reply was stored), one hit.
    const report = await a.http.get(`/admin/business/${businessId}/analytics`).set(a.admin).expect(200);
    expect(report.body.totals).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
  });

  it('serves a hit over /chat/stream with deltas adding up to the reply', async () => {
    await chatter(a.http, businessId).send(QUESTION).expect(200);
    const c = chatter(a.http, businessId);
    const res = await a.http
      .post('/chat/stream')
      .send(c.body(QUESTION))
      .buffer(true)
      .parse((r, done) => {
        let body = '';
        r.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        r.on('end', () => done(null, body));
      });
    const sse = parseSse(res.body as string);
    const final = sse.at(-1)!;

    expect(modelCalls()).toBe(1);
    expect(final.event).toBe('done');
    expect(final.data.response).toContain(ANSWER);
    const deltas = sse.filter((e) => e.event === 'delta').map((e) => e.data.text as string);
    expect(deltas.join('')).toBe(final.data.response);
  });

  it('calls the model again after a knowledge-base upload and after an activation', async () => {
    await chatter(a.http, businessId).send(QUESTION).expect(200);
    await ingestDocuments(a, businessId, plumbingDocumentsFactory.build({ hours: 'Open every day from 7am to 9pm.' }));
    await chatter(a.http, businessId).send(QUESTION).expect(200);
    expect(modelCalls()).toBe(2);

    await a.http.post(kbPath(businessId, '/versions/1/activate')).set(a.admin).expect(200);
    await chatter(a.http, businessId).send('Do you offer a warranty?').expect(200);
    await chatter(a.http, businessId).send('Do you offer a warranty?').expect(200);
    expect(modelCalls()).toBe(3);
    await a.http.post(kbPath(businessId, '/versions/2/activate')).set(a.admin).expect(200);
    await chatter(a.http, businessId).send('Do you offer a warranty?').expect(200);
    expect(modelCalls()).toBe(4);
  });

  it('calls the model again after a config change', async () => {
    await chatter(a.http, businessId).send(QUESTION).expect(200);
    await a.http
      .post('/admin/business')
      .set(a.admin)
      .send({ businessId, personality: 'Cheerful and brief' })
      .expect(200);
    await chatter(a.http, businessId).send(QUESTION).expect(200);

    expect(modelCalls()).toBe(2);
  });

  it('bypasses the cache for a session with a captured email', async () => {
    await chatter(a.http, businessId).send(QUESTION).expect(200);
    const known = chatter(a.http, businessId);
    await known.send('my email is jane@example.com').expect(200);
    // "hi" starts the conversation over: the history goes, the captured email stays.
    await known.send('hi').expect(200);
    const before = modelCalls();
    await known.send(QUESTION).expect(200);

    expect(modelCalls()).toBe(before + 1);
    expect((await events(known.sessionId, 'assistant_message')).at(-1)).not.toHaveProperty('cached');
  });

  it('shares entries between instances through Redis', async () => {
    const one = await chatter(a.http, businessId).send(QUESTION).expect(200);
    const two = await chatter(b.http, businessId).send(QUESTION).expect(200);

    expect(modelCalls()).toBe(1);
    expect(two.body.response).toBe(one.body.response);
  });
});
