import { randomUUID } from 'node:crypto';
import { get } from 'node:http';

import { DataSource } from 'typeorm';

import { DrainState } from 'src/common/lifecycle/drain-state';
import { parseSse } from 'test/chat/chat.support';
import { businessFactory } from 'test/factories/business.factory';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { AppProcess, startAppProcess } from 'test/scale/app-process';
import { TEST_ADMIN_KEY } from 'test/support/services';
import { bootTestApp } from 'test/support/test-app';

const DELAY_MS = 1000;
/** Longer than the delay, so the turns are still running when the listener closes. */
const MODEL_MS = 2500;
const CHAT_TEXT = 'Our plumbers fix leaks the same day, seven days a week.';
const STREAM_TEXT = 'We cover the whole metro area, including weekends and public holidays.';

/** A new TCP connection each time (no keep-alive pool), as a load balancer's fresh probe would be. */
const probe = (url: string) =>
  new Promise<number | 'refused'>((resolve) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', () => resolve('refused'));
  });

describe('Draining on SIGTERM (the real app in its own process)', () => {
  let fake: FakeGeminiServer;
  let app: AppProcess;
  let businessId: string;
  const db = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });

  const post = (path: string, body: unknown) =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** A visitor past the greeting, so that its next message asks the model. */
  async function greetedVisitor() {
    const sessionId = randomUUID();
    const first = await post('/chat', { business_id: businessId, session_id: sessionId, message: 'hi' });
    expect(first.status).toBe(200);
    const { session_token: token } = (await first.json()) as { session_token: string };
    return {
      sessionId,
      body: (message: string) => ({ business_id: businessId, session_id: sessionId, session_token: token, message }),
    };
  }

  async function untilModelCalls(n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (fake.generateRequests.length < n) {
      if (Date.now() > deadline) throw new Error(`the model got ${fake.generateRequests.length} of ${n} calls`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function assistantMessages(sessionId: string): Promise<string[]> {
    const rows = (await db.query(
      `SELECT m.content FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.business_id = $1 AND c.session_id = $2 AND m.role = 'assistant' ORDER BY m.id`,
      [businessId, sessionId],
    )) as { content: string }[];
    return rows.map((r) => r.content);
  }

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
    await db.initialize();
    app = await startAppProcess({
      GEMINI_API_KEY: 'test-gemini-key',
      GEMINI_BASE_URL: fake.baseUrl,
      LLM_PROVIDER: 'gemini',
      EMBEDDING_PROVIDER: 'local',
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_CALL_GRACE_S: '20',
    });
    const business = businessFactory.build();
    businessId = business.businessId as string;
    const created = await fetch(`${app.url}/admin/business`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Admin-API-Key': TEST_ADMIN_KEY },
      body: JSON.stringify(business),
    });
    expect(created.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    if (app?.child.exitCode === null) app.kill('SIGKILL');
    await fake?.close();
    await db.destroy();
  });

  it('turns readiness 503 at once, finishes the chat turn and SSE stream in flight, keeps their transcripts, exits 0', async () => {
    const chatter = await greetedVisitor();
    const streamer = await greetedVisitor();
    const before = fake.generateRequests.length;
    fake.enqueue(
      { type: 'reply', parts: [{ text: CHAT_TEXT }], delayMs: MODEL_MS },
      { type: 'reply', parts: [{ text: STREAM_TEXT }], chunks: STREAM_TEXT.match(/.{1,12}/g)!, delayMs: MODEL_MS },
    );
    const chat = post('/chat', chatter.body('Do you fix leaks?'));
    await untilModelCalls(before + 1);
    const stream = post('/chat/stream', streamer.body('Where do you work?'));
    await untilModelCalls(before + 2);

    const signalled = Date.now();
    app.kill('SIGTERM');
    let ready: number | 'refused' = 200;
    while (ready === 200 && Date.now() - signalled < 1000) ready = await probe(`${app.url}/health/ready`);
    const notReadyAfter = Date.now() - signalled;
    expect(ready).toBe(503);
    expect(notReadyAfter).toBeLessThan(100);

    // During the delay the instance still serves (the load balancer has not noticed yet)...
    expect(await probe(`${app.url}/health`)).toBe(200);
    // ...and after it, it accepts no new connection while the turns are still running.
    await new Promise((r) => setTimeout(r, DELAY_MS + 400 - (Date.now() - signalled)));
    expect(await probe(`${app.url}/health`)).toBe('refused');

    const chatRes = await chat;
    expect(chatRes.status).toBe(200);
    expect(((await chatRes.json()) as { response: string }).response).toBe(CHAT_TEXT);
    const streamRes = await stream;
    expect(streamRes.status).toBe(200);
    const events = parseSse(await streamRes.text());
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { response: STREAM_TEXT } });
    expect(
      events
        .filter((e) => e.event === 'delta')
        .map((e) => e.data.text)
        .join(''),
    ).toBe(STREAM_TEXT);

    expect(await app.exited).toBe(0);
    expect(await assistantMessages(chatter.sessionId)).toContain(CHAT_TEXT);
    expect(await assistantMessages(streamer.sessionId)).toContain(STREAM_TEXT);
    const events_ = app
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { event?: string }).event)
      .filter((e) => e?.startsWith('drain_'));
    expect(events_).toEqual(['drain_started', 'drain_listener_closed', 'drain_finished']);
  }, 60_000);
});

describe('Readiness while draining', () => {
  it('answers 503 without probing the dependencies, keeps liveness 200, and asks clients to reconnect elsewhere', async () => {
    const t = await bootTestApp();
    try {
      await t.http.get('/health/ready').expect(200);
      t.app.get(DrainState).begin();
      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body).toEqual({
        status: 'error',
        info: {},
        error: { lifecycle: { status: 'down', message: 'shutting down' } },
        details: { lifecycle: { status: 'down', message: 'shutting down' } },
      });
      expect(ready.headers.connection).toBe('close');
      const live = await t.http.get('/health').expect(200);
      expect(live.headers.connection).toBe('close');
    } finally {
      await t.close();
    }
  });
});
