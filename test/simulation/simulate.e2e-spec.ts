import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { ScriptedLlm } from 'test/chat/scripted-llm';
import { uniqueBusinessId } from 'test/factories/business.factory';
import { tenantKeyFactory } from 'test/factories/tenant-key.factory';
import { FakeWebhookCrmServer } from 'test/fakes/fake-webhook-crm.server';
import { GOACCEL_FLOWS, GOACCEL_HANDOFF, GOACCEL_TURNS, goaccelBusiness } from 'test/simulation/goaccel-design';
import { TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface Trace {
  turn: number;
  message: string | null;
  reply: string;
  ctas: { id: string }[];
  intent: { name: string; confidence: number } | null;
  sentiment: { label: string; score: number } | null;
  rulesFired: string[];
  flow: { id: string; state: string } | null;
  flowEnded: boolean;
  captured: Record<string, string>;
  tags: string[];
  handoff: { reason: string } | null;
  handedOff: boolean;
  crmWrites: { tool: string; operation: string; id: string; fields: Record<string, string> }[];
}

const simulatePath = (id: string) => `/admin/business/${id}/simulate`;

describe('POST /admin/business/:id/simulate', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '0' });
    // No key prefix: every key of the test database counts, whoever wrote it.
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  async function goaccel(extra: Record<string, unknown> = {}): Promise<string> {
    return createTenant(t, goaccelBusiness(uniqueBusinessId('goaccel'), extra));
  }

  it('traces intent, sentiment, rules, flow state, captured fields, hand-off and CRM writes per turn', async () => {
    const id = await goaccel();
    const res = await t.http.post(simulatePath(id)).set(t.admin).send({ turns: GOACCEL_TURNS }).expect(200);
    expect(res.body).toMatchObject({ businessId: id, draft: false });
    const [ask, size, details, trades, complaint, later] = res.body.turns as Trace[];

    expect(ask.intent?.name).toBe('pricing');
    expect(ask.sentiment?.label).toBe('neutral');
    expect(ask.rulesFired).toEqual(['pricing_qualify']);
    expect(ask.flow).toEqual({ id: 'qualify', state: 'ask_team_size' });
    expect(ask.tags).toEqual(['pricing_lead']);
    // A first message that is a question gets the greeting and the flow's first line in one reply.
    expect(ask.reply).toMatch(/^Hi, Welcome to GoAccel[\s\S]*How many technicians do you have\?$/);

    expect(size.flow).toEqual({ id: 'qualify', state: 'ask_contact' });
    expect(size.rulesFired).toEqual([]);

    expect(details.flow).toEqual({ id: 'qualify', state: 'quote_sent' });
    expect(details.flowEnded).toBe(true);
    expect(details.reply).toBe(GOACCEL_FLOWS[0].states.quote_sent.say);
    expect(details.ctas.map((c) => c.id)).toEqual(['book_appointment']);
    expect(details.captured).toEqual({
      firstName: 'Dana',
      lastName: 'Whitfield',
      email: 'dana@whitfield-hvac.com',
      phone: '+14155552671',
    });
    expect(details.crmWrites).toEqual([]);

    expect(trades.intent?.name).toBe('industries');
    expect(trades.rulesFired).toEqual(['trades_demo']);
    expect(trades.flow).toBeNull();
    expect(trades.ctas[0].id).toBe('book_appointment');
    // The model saved the lead: the dry run answered with a made-up id and reports the write.
    expect(trades.crmWrites).toEqual([
      {
        tool: 'create_contact',
        operation: 'upsert_contact',
        id: 'dry-run-contact-1',
        fields: expect.objectContaining({ email: 'dana@whitfield-hvac.com', phone: '+14155552671', source: 'chat' }),
      },
    ]);
    expect(trades.reply).toContain("I've passed your details to the GoAccel team");

    expect(complaint.intent?.name).toBe('complaint');
    expect(complaint.sentiment?.label).toBe('negative');
    expect(complaint.rulesFired).toEqual(['complaint_handoff']);
    expect(complaint.handoff).toEqual({ reason: 'rule:complaint' });
    expect(complaint.handedOff).toBe(true);
    expect(complaint.reply).toBe(GOACCEL_HANDOFF.message);

    // Later turns stay with the person, as live.
    expect(later.handoff).toBeNull();
    expect(later.handedOff).toBe(true);
    expect(later.reply).toBe('Thanks, a member of the team will reply here.');
  });

  it('writes nothing: no tenant row, no Redis key, no audit entry, no CRM or hand-off webhook request', async () => {
    const crm = await FakeWebhookCrmServer.start({ type: 'api_key', header: 'X-Api-Token', apiKey: 'k-123456' });
    try {
      const id = await goaccel({
        handoff: { webhookUrl: `${crm.baseUrl}/handoff`, webhookSecret: 'handoff-secret-0123456789' },
      });
      await t.http
        .put(`/admin/business/${id}/crm`)
        .set(t.admin)
        .send({
          type: 'webhook',
          credentials: { apiKey: 'k-123456' },
          options: {
            auth: { type: 'api_key', header: 'X-Api-Token' },
            operations: {
              searchContact: { method: 'GET', url: `${crm.baseUrl}/api/contacts?email={{email}}`, idPath: 'data.0.id' },
              createContact: {
                method: 'POST',
                url: `${crm.baseUrl}/api/contacts`,
                body: '{{fields}}',
                idPath: 'data.id',
              },
              updateContact: {
                method: 'PATCH',
                url: `${crm.baseUrl}/api/contacts/{{contactId}}`,
                body: '{{fields}}',
                idPath: 'data.id',
              },
              createDeal: { method: 'POST', url: `${crm.baseUrl}/api/deals`, body: '{{fields}}', idPath: 'data.id' },
              testConnection: { method: 'GET', url: `${crm.baseUrl}/api/ping` },
            },
          },
        })
        .expect(200);
      const before = await footprint(id);
      const res = await t.http.post(simulatePath(id)).set(t.admin).send({ turns: GOACCEL_TURNS }).expect(200);
      const traces = res.body.turns as Trace[];
      expect(traces.some((x) => x.crmWrites.length > 0)).toBe(true);
      expect(traces.some((x) => x.handoff !== null)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await footprint(id)).toEqual(before);
      expect(crm.requests).toEqual([]);

      // The same conversation live does write (so the count above can see a write).
      const visitor = chatter(t.http, id);
      for (const turn of GOACCEL_TURNS) await visitor.send(turn.message).expect(200);
      const after = await footprint(id);
      expect(after.rows.messages).toBeGreaterThan(before.rows.messages);
      expect(after.rows.handoffs).toBe(before.rows.handoffs + 1);
      expect(after.redisKeys).toBeGreaterThan(before.redisKeys);
      expect(crm.requests.length).toBeGreaterThan(0);
    } finally {
      await crm.stop();
    }
  });

  /** Rows of every table with a business_id column for this business, and Redis keys naming it. */
  async function footprint(businessId: string): Promise<{ rows: Record<string, number>; redisKeys: number }> {
    const ds = t.app.get(DataSource);
    const tables = await ds.query<{ table_name: string }[]>(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.column_name = 'business_id' AND t.table_type = 'BASE TABLE'
        ORDER BY 1`,
    );
    const rows: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [{ n }] = await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "${table_name}" WHERE business_id = $1`,
        [businessId],
      );
      rows[table_name] = n;
    }
    expect(Object.keys(rows)).toEqual(
      expect.arrayContaining(['messages', 'handoffs', 'crm_outbox', 'admin_audit_log']),
    );
    const redisKeys = (await redis.keys(`*${businessId}*`)).length;
    return { rows, redisKeys };
  }

  it('runs against a draft (saved config plus overrides) without saving it', async () => {
    const id = await goaccel();
    const saved = (await t.http.get(`/admin/business/${id}`).set(t.admin).expect(200)).body.config;
    const flows = structuredClone(GOACCEL_FLOWS);
    flows[0].states.ask_team_size.say = 'Pricing depends on team size. How many technicians work with you?';
    const res = await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({
        turns: [{ message: 'Hi! How much does GoAccel cost?' }],
        config: { flows, greetingMessage: 'Hello from the draft!' },
      })
      .expect(200);
    expect(res.body.draft).toBe(true);
    expect(res.body.turns[0].reply).toMatch(/^Hello from the draft![\s\S]*How many technicians work with you\?$/);
    const after = (await t.http.get(`/admin/business/${id}`).set(t.admin).expect(200)).body.config;
    expect(after).toEqual(saved);
  });

  it('refuses an invalid draft like a save: 400 TENANT.INVALID_CONFIG with the field paths', async () => {
    const id = await goaccel();
    const rules = [{ id: 'typo', when: { '==': [{ var: 'intnt.name' }, 'pricing'] }, then: [{ startFlow: 'nope' }] }];
    const res = await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({ turns: [{ message: 'hi' }], config: { rules } })
      .expect(400);
    expect(res.body.code).toBe('TENANT.INVALID_CONFIG');
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        { path: 'rules.typo.when', message: expect.stringContaining('unknown variable "intnt.name"') },
        { path: 'rules.typo.then[0]', message: 'startFlow: unknown flow "nope"' },
      ]),
    );

    const shape = await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({ turns: [{ message: 'hi' }], config: { themeColor: 'blue', businessId: 'other' } })
      .expect(400);
    expect(shape.body.fields).toEqual(
      expect.arrayContaining([
        { path: 'config.themeColor', message: expect.stringContaining('themeColor must be a hex colour') },
        { path: 'config.businessId', message: expect.stringContaining('should not exist') },
      ]),
    );
  });

  it('refuses a turn /chat would refuse before running any turn, naming it', async () => {
    const id = await goaccel();
    const cta = await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({ turns: [{ message: 'hi' }, { cta_id: 'ghost' }] })
      .expect(400);
    expect(cta.body).toMatchObject({
      code: 'SIMULATION.INVALID_TURN',
      fields: [{ path: 'turns.1.cta_id', message: expect.stringContaining('"ghost"') }],
    });
    const blank = await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({ turns: [{ message: '  ' }] })
      .expect(400);
    expect(blank.body.fields).toEqual([{ path: 'turns.0.message', message: expect.any(String) }]);
    await t.http.post(simulatePath(id)).set(t.admin).send({ turns: [] }).expect(400);
    await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({ turns: Array.from({ length: 31 }, () => ({ message: 'hi' })) })
      .expect(400);
  });

  it('follows CTA clicks: a menu click carries no reading, a send button is read as its message', async () => {
    const id = await goaccel();
    const res = await t.http
      .post(simulatePath(id))
      .set(t.admin)
      .send({ turns: [{ cta_id: 'sales_team' }, { cta_id: 'speak_human' }] })
      .expect(200);
    const [menu, human] = res.body.turns as (Trace & { ctaId: string })[];
    expect(menu).toMatchObject({ ctaId: 'sales_team', message: null, intent: null, sentiment: null });
    expect(menu.ctas.map((c) => c.id)).toEqual(['customer_acquisition_only', 'growth_platform_only', 'both_options']);
    expect(human.ctaId).toBe('speak_human');
    expect(human.intent?.name).toBe('human_handoff');
    expect(human.handoff).toEqual({ reason: 'intent:human_handoff' });
  });

  it('neither serves a cached reply nor fills the response cache', async () => {
    const llm = new ScriptedLlm();
    const cached = await bootAppWith([[LlmProvider, llm]], { RESPONSE_CACHE_TTL_S: '300' });
    try {
      const id = await createTenant(cached, goaccelBusiness(uniqueBusinessId('goaccel')));
      const turns = [{ message: 'hi' }, { message: 'What does GoAccel do?' }];
      const entries = async () => (await redis.keys(`*response-cache:${id}:*`)).length;
      await cached.http.post(simulatePath(id)).set(cached.admin).send({ turns }).expect(200);
      expect(await entries()).toBe(0);
      expect(llm.requests).toHaveLength(1);

      // Live, the answer is cached; a simulation still asks the model rather than replaying it.
      const visitor = chatter(cached.http, id);
      for (const turn of turns) await visitor.send(turn.message).expect(200);
      expect(await entries()).toBe(1);
      expect(llm.requests).toHaveLength(2);
      await cached.http.post(simulatePath(id)).set(cached.admin).send({ turns }).expect(200);
      expect(llm.requests).toHaveLength(3);
      expect(await entries()).toBe(1);
    } finally {
      await cached.close();
    }
  });

  describe('access', () => {
    it('needs an admin key', async () => {
      const id = await goaccel();
      await t.http
        .post(simulatePath(id))
        .send({ turns: [{ message: 'hi' }] })
        .expect(401);
    });

    it('lets a viewer key of the business simulate (it writes nothing, so it is not audited), not another business', async () => {
      const id = await goaccel();
      const other = await goaccel();
      const viewer = (
        await t.http
          .post(`/admin/business/${id}/keys`)
          .set(t.admin)
          .send(tenantKeyFactory.build({ role: 'viewer' }))
          .expect(201)
      ).body.key as string;
      const audited = async () =>
        (await t.http.get(`/admin/business/${id}/audit`).set(t.admin).expect(200)).body.entries.length as number;
      const before = await audited();
      await t.http
        .post(simulatePath(id))
        .set('X-Admin-API-Key', viewer)
        .send({ turns: [{ message: 'hi' }] })
        .expect(200);
      await t.http.post(`/admin/business/${id}/tests/run`).set('X-Admin-API-Key', viewer).send({}).expect(200);
      expect(await audited()).toBe(before);
      const refused = await t.http
        .post(simulatePath(other))
        .set('X-Admin-API-Key', viewer)
        .send({ turns: [{ message: 'hi' }] })
        .expect(403);
      expect(refused.body.code).toBe('auth.wrong_tenant');
    });

    it('answers 404 for an unknown business', async () => {
      const res = await t.http
        .post(simulatePath(uniqueBusinessId('missing')))
        .set(t.admin)
        .send({ turns: [{ message: 'hi' }] })
        .expect(404);
      expect(res.body.code).toBe('TENANT.NOT_FOUND');
    });
  });
});
