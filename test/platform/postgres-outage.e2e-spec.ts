import { Client } from 'pg';

import { LlmProvider, LlmRequest, LlmResponse } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { callTool, say, ScriptedLlm } from 'test/chat/scripted-llm';
import { ChatLoad, expectOnlyUnavailable, okCount, summary, unavailableCount } from 'test/platform/outage.support';
import { PrivatePostgres } from 'test/support/private-services';
import type { TestApp } from 'test/support/test-app';

/**
 * Postgres stops under chat load (immediate shutdown, as a crash) and starts again on the same port and data. Every
 * turn saves a lead through the CRM outbox. While the database is down /chat answers coded 503s with Retry-After,
 * never a 500, and readiness names the database; the same app instance recovers by itself; and every turn answered
 * 200 has its transcript and its outbox item in the database afterwards.
 */
/** The scripted model, able to run an action (stop or start Postgres) just before one of its next calls answers. */
class HookedLlm extends ScriptedLlm {
  private hooks: Array<() => Promise<void>> = [];

  beforeCalls(...hooks: Array<() => Promise<void>>): void {
    this.hooks.push(...hooks);
  }

  clearHooks(): void {
    this.hooks = [];
  }

  override async generate(request: LlmRequest): Promise<LlmResponse> {
    await this.hooks.shift()?.();
    return super.generate(request);
  }
}

describe('Postgres outage', () => {
  const llm = new HookedLlm();
  let pg: PrivatePostgres;
  let t: TestApp;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    // The model saves the visitor's email as a contact (one outbox item per session), then answers.
    llm.fallback = (req: LlmRequest) => {
      const email = req.grounding.captured.email;
      return req.turns.at(-1)?.role === 'user' && email ? callTool('create_contact', { email }) : say('Saved, thanks!');
    };
    t = await bootAppWith([[LlmProvider, llm]], { DATABASE_URL: pg.url, CRM_OUTBOX_POLL_MS: '200' });
  });
  afterAll(async () => {
    await t?.close();
    await pg?.destroy();
  });

  it('answers 503 with Retry-After while Postgres is down and recovers, losing no answered turn or outbox item', async () => {
    const businessId = await createTenant(t);
    const load = new ChatLoad(t.http, businessId, (id) => `Please call me back, my email is lead-${id}@example.com`, {
      opener: 'Hi there',
    });
    load.start(4);
    try {
      await load.waitFor('turns answered before the outage', (o) => okCount(o) >= 8);

      load.phase = 'postgres down';
      await pg.stop();
      await load.waitFor('503s during the outage', (o) => unavailableCount(o) >= 6);
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });

      load.phase = 'postgres back';
      const restartedAt = load.outcomes.length;
      await pg.restart();
      await load.waitFor('turns answered after the restart', (o) => okCount(o.slice(restartedAt)) >= 8);
      await t.http.get('/health/ready').expect(200);
    } finally {
      await load.stop();
    }

    expectOnlyUnavailable(load.outcomes, 'INFRA.DATABASE_UNAVAILABLE');
    expect(summary(load.outcomes)).not.toContain('500');

    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      const answered = load.outcomes.filter((o) => o.status === 200);
      const transcripts = await db.query<{ session_id: string; content: string }>(
        `SELECT c.session_id, m.content FROM conversations c JOIN messages m ON m.conversation_id = c.id
          WHERE c.business_id = $1 AND m.role = 'user'`,
        [businessId],
      );
      const stored = new Set(transcripts.rows.map((r) => `${r.session_id}|${r.content}`));
      expect(answered.filter((o) => !stored.has(`${o.sessionId}|${o.message}`))).toEqual([]);
      const outbox = await db.query<{ session_id: string }>(
        `SELECT session_id FROM crm_outbox WHERE business_id = $1 AND operation = 'upsert_contact'`,
        [businessId],
      );
      const queued = new Set(outbox.rows.map((r) => r.session_id));
      expect(answered.filter((o) => !queued.has(o.sessionId))).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('fails the turn with 503 when the outbox row cannot be written, even if the database is back before the reply', async () => {
    const businessId = await createTenant(t);
    const visitor = chatter(t.http, businessId);
    await visitor.send('Hi there').expect(200);
    // The database goes away just as the model asks to save the contact, and is back when it would write its answer.
    llm.beforeCalls(
      () => pg.stop(),
      () => pg.restart(),
    );
    let res;
    try {
      res = await visitor.send('Please call me back, my email is lead-midcall@example.com');
    } finally {
      llm.clearHooks();
      await pg.restart().catch(() => undefined);
    }
    expect({
      status: res.status,
      code: (res.body as { code?: string }).code,
      retryAfter: res.headers['retry-after'],
    }).toEqual({
      status: 503,
      code: 'INFRA.DATABASE_UNAVAILABLE',
      retryAfter: '5',
    });
    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      const outbox = await db.query(`SELECT 1 FROM crm_outbox WHERE business_id = $1 AND session_id = $2`, [
        businessId,
        visitor.sessionId,
      ]);
      const messages = await db.query(
        `SELECT m.content FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.business_id = $1 AND c.session_id = $2`,
        [businessId, visitor.sessionId],
      );
      expect({ outboxRows: outbox.rowCount, messages: messages.rows.length }).toEqual({ outboxRows: 0, messages: 2 });
    } finally {
      await db.end();
    }
  });

  // Last: it leaves the private cluster without its data.
  it('reports the database down once its files are gone, although the server still answers from memory', async () => {
    await t.http.get('/health/ready').expect(200);
    pg.deleteDatabaseFiles();
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      error: { database: { status: 'down', message: 'query failed' } },
    });
  });
});
