import Redis from 'ioredis';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { bootAppWith, chatter, createTenant } from 'test/chat/chat.support';
import { say, ScriptedLlm } from 'test/chat/scripted-llm';
import { ctaTreeFactory } from 'test/factories/business.factory';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from 'test/support/services';
import type { TestApp } from 'test/support/test-app';

const CATALOG = [
  {
    id: 'drains',
    name: 'Drain cleaning',
    description: 'Blocked sinks, showers and sewer lines cleared the same day.',
    tags: ['services'],
  },
  {
    id: 'heaters',
    name: 'Water heater repair',
    description: 'Tank and tankless water heaters repaired or replaced.',
    url: 'https://acme.example.com/heaters',
    tags: ['services'],
  },
  { id: 'bath', name: 'Bathroom remodeling', description: 'New showers, tubs, vanities and tiles.', tags: ['remodel'] },
];

/** The factory tree plus a conditional root button and a services menu expanded from the catalog. */
const tree = () => {
  const base = ctaTreeFactory.build();
  return {
    ...base,
    main_menu: { ...base.main_menu, children: ['sales', 'our_services', 'support', 'location', 'priority_line'] },
    location: { id: 'location', label: 'Where are you?', action: 'send', message: 'Where are you located?' },
    our_services: { id: 'our_services', label: 'Our services', action: 'show_children', children: ['services'] },
    services: { id: 'services', label: 'Services', action: 'send', source: 'catalog', tag: 'services' },
    priority_line: {
      id: 'priority_line',
      label: 'Priority line',
      action: 'link',
      url: 'https://acme.example.com/priority',
      when: { '==': [{ var: 'metadata.plan' }, 'pro'] },
    },
  };
};

const ids = (body: { ctas?: { id: string }[] }) => (body.ctas ?? []).map((c) => c.id);
const ROOT = ['sales', 'our_services', 'support', 'location'];

describe('CTAs that fit the moment (chat)', () => {
  let t: TestApp;
  let redis: Redis;
  const llm = new ScriptedLlm();
  let businessId: string;

  beforeAll(async () => {
    t = await bootAppWith([[LlmProvider, llm]]);
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: TEST_REDIS_KEY_PREFIX });
    businessId = await createTenant(t, { ctaTree: tree(), catalog: CATALOG });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });
  beforeEach(() => llm.reset());

  describe('validation on save', () => {
    const save = (body: Record<string, unknown>) =>
      t.http
        .post('/admin/business')
        .set(t.admin)
        .send({ businessId, ...body });
    const withNode = (id: string, node: Record<string, unknown>) => ({
      ctaTree: { ...tree(), [id]: { id, label: 'X', action: 'send', message: 'x', ...node } },
    });

    it.each([
      [
        'a when with an unknown variable',
        withNode('pro_only', { when: { '==': [{ var: 'plan' }, 'pro'] } }),
        'ctaTree.pro_only.when',
        'CTA "pro_only": when.==[0]: unknown variable "plan" (see the turn context variables)',
      ],
      [
        'a malformed when',
        withNode('pro_only', { when: { '==': [1, 1], and: [] } }),
        'ctaTree.pro_only.when',
        'CTA "pro_only": when: a JsonLogic operation has exactly one operator key (found 2)',
      ],
      [
        'a when with an unknown operator',
        withNode('pro_only', { when: { eval: ['process.exit()'] } }),
        'ctaTree.pro_only.when',
        'CTA "pro_only": when: unknown JsonLogic operator "eval"',
      ],
      [
        'a catalog node whose tag no item has',
        withNode('deals', { source: 'catalog', tag: 'deals' }),
        'ctaTree.deals.tag',
        'CTA "deals": no catalog item has the tag "deals"',
      ],
      [
        'a catalog source on a link node',
        withNode('deals', { action: 'link', url: 'https://x.example.com', source: 'catalog', tag: 'services' }),
        'ctaTree.deals.source',
        'ctaTree node "deals" (source catalog) must have action "send"',
      ],
      [
        'a catalog item with a non-http url',
        { catalog: [{ id: 'x', name: 'X', url: 'javascript:alert(1)' }] },
        'catalog.x.url',
        'catalog item "x": url must be an http(s) URL',
      ],
      [
        'a catalog item with a bad id',
        { catalog: [{ id: 'has space', name: 'X' }] },
        'catalog[0].id',
        'catalog item [0]: id must match ^[A-Za-z0-9_.-]{1,64}$',
      ],
      [
        'too many catalog items',
        { catalog: Array.from({ length: 501 }, (_, i) => ({ id: `i${i}`, name: 'X' })) },
        'catalog',
        'catalog: at most 500 items (got 501)',
      ],
      [
        'a catalog that drops the items a node expands',
        { catalog: [CATALOG[2]] },
        'ctaTree.services.tag',
        'CTA "services": no catalog item has the tag "services"',
      ],
    ])(
      'refuses %s with 400 naming the node or item, and keeps the saved config',
      async (_name, body, path, message) => {
        const before = (await t.http.get(`/admin/business/${businessId}`).set(t.admin).expect(200)).body.config;
        const res = await save(body).expect(400);
        expect(res.body.code).toBe('TENANT.INVALID_CONFIG');
        expect(res.body.fields).toContainEqual({ path, message });
        const after = (await t.http.get(`/admin/business/${businessId}`).set(t.admin).expect(200)).body.config;
        expect(after.version).toBe(before.version);
        expect(after.catalog).toEqual(CATALOG);
      },
    );
  });

  it('lists entry buttons in the public config without conditional nodes, with catalog nodes expanded', async () => {
    await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({
        businessId,
        ctaTree: { ...tree(), main_menu: { ...tree().main_menu, children: ['services', 'priority_line', 'support'] } },
      })
      .expect(200);
    try {
      const res = await t.http.get(`/api/business/${businessId}/config`).expect(200);
      expect(res.body.config.entryCtas.map((c: { id: string }) => c.id)).toEqual([
        'services:drains',
        'services:heaters',
        'support',
      ]);
    } finally {
      await t.http.post('/admin/business').set(t.admin).send({ businessId, ctaTree: tree() }).expect(200);
    }
  });

  it('shows a conditional button only to sessions where its condition holds', async () => {
    const basic = chatter(t.http, businessId);
    expect(ids((await basic.send('hi').expect(200)).body)).toEqual(ROOT);
    const pro = chatter(t.http, businessId);
    const res = await pro.send('hi', { metadata: { plan: 'pro' } }).expect(200);
    expect(ids(res.body)).toEqual([...ROOT, 'priority_line']);
    // The session remembers its metadata: later replies keep the button without resending it.
    expect(ids((await pro.send('Do you work weekends?').expect(200)).body)).toEqual([...ROOT, 'priority_line']);
    expect(ids((await basic.send('Do you work weekends?').expect(200)).body)).toEqual(ROOT);
  });

  it('gives a model reply the same buttons with or without a question mark', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    llm.next(
      () => say('We fix taps every day.'),
      () => say('We fix taps. Anything else?'),
    );
    const statement = await c.send('Do you fix taps?').expect(200);
    const question = await c.send('And garden taps?').expect(200);
    expect(ids(statement.body)).toEqual(ROOT);
    expect(ids(question.body)).toEqual(ROOT);
  });

  it('keeps a submenu as the menu for later turns, inside clicks included, until the visitor leaves it', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const opened = await c.click('sales').expect(200);
    expect(ids(opened.body)).toEqual(['pricing', 'book_appointment']);
    // A typed question, answered with a question mark, keeps the submenu instead of the root.
    const typed = await c.send('Do you work on Sundays?').expect(200);
    expect(typed.body.response).toBe('Happy to help.<br><br>Anything else?');
    expect(ids(typed.body)).toEqual(['pricing', 'book_appointment']);
    // A click inside it (a send child) keeps it open too.
    const inside = await c.click('pricing').expect(200);
    expect(llm.requests.at(-1)!.turns.at(-1)).toEqual({ role: 'user', text: 'How much does it cost?' });
    expect(ids(inside.body)).toEqual(['pricing', 'book_appointment']);
    let stored = (await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin)).body;
    expect(stored.conversation.currentCtaId).toBe('sales');

    // Lost from Redis, the open menu comes back from the transcript.
    await redis.del(`chat:${businessId}:${c.sessionId}`);
    expect(ids((await c.send('Are you licensed?').expect(200)).body)).toEqual(['pricing', 'book_appointment']);

    // A button outside the submenu leaves it: the root is the menu again.
    const outside = await c.click('location').expect(200);
    expect(ids(outside.body)).toEqual(ROOT);
    stored = (await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin)).body;
    expect(stored.conversation.currentCtaId).toBeNull();
  });

  it('goes back to the root on "menu", from any submenu', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    await c.click('sales').expect(200);
    const res = await c.send('menu').expect(200);
    expect(ids(res.body)).toEqual(ROOT);
    expect(ids((await c.send('Do you fix taps?').expect(200)).body)).toEqual(ROOT);
  });

  it('expands a catalog node into link and send buttons, and each of them can be clicked', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const menu = await c.click('our_services').expect(200);
    expect(menu.body.ctas).toEqual([
      { id: 'services:drains', label: 'Drain cleaning', action: 'send', message: 'Drain cleaning' },
      {
        id: 'services:heaters',
        label: 'Water heater repair',
        action: 'link',
        url: 'https://acme.example.com/heaters',
      },
    ]);

    llm.next(() => say('We clear drains the same day.'));
    const sent = await c.click('services:drains').expect(200);
    expect(sent.body.response).toBe('We clear drains the same day.');
    expect(llm.requests[0].turns.at(-1)).toEqual({ role: 'user', text: 'Drain cleaning' });
    // Still inside the services menu; the item the question matched is not offered twice.
    expect(ids(sent.body)).toEqual(['catalog:drains', 'services:heaters']);

    const link = await c.click('services:heaters').expect(200);
    expect(link.body.response).toBe('You can continue here: Water heater repair.');
    expect(link.body.ctas).toEqual([expect.objectContaining({ id: 'services:heaters', action: 'link' })]);

    const stored = (await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin)).body;
    expect(
      stored.transcript
        .filter((m: { role: string }) => m.role === 'user')
        .map((m: { payload?: { ctaId?: string } }) => m.payload?.ctaId),
    ).toEqual([undefined, 'our_services', 'services:drains', 'services:heaters']);
  });

  it('refuses a catalog button id that no node or suggestion can produce, and writes nothing', async () => {
    for (const id of ['services:bath', 'services:nope', 'sales:drains']) {
      const c = chatter(t.http, businessId);
      const res = await c.click(id).expect(400);
      expect(res.body.code).toBe('CHAT.UNKNOWN_CTA');
      await t.http.get(`/admin/business/${businessId}/sessions/${c.sessionId}`).set(t.admin).expect(404);
    }
  });

  it('suggests the catalog items closest to the question under a model reply, and the suggestion can be clicked', async () => {
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const res = await c.send('Do you repair tankless water heaters?').expect(200);
    expect(res.body.ctas[0]).toEqual({
      id: 'catalog:heaters',
      label: 'Water heater repair',
      action: 'link',
      url: 'https://acme.example.com/heaters',
    });
    expect(ids(res.body).slice(1)).toEqual(ROOT);
    const none = await c.send('Are you licensed and insured?').expect(200);
    expect(ids(none.body)).toEqual(ROOT);

    llm.next(() => say('We remodel bathrooms too.'));
    const clicked = await c.click('catalog:bath').expect(200);
    expect(clicked.body.response).toBe('We remodel bathrooms too.');
    expect(llm.requests.at(-1)!.turns.at(-1)).toEqual({ role: 'user', text: 'Bathroom remodeling' });
  });
});

describe('Catalog suggestions with the offline model', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootAppWith([]);
  });
  afterAll(() => t.close());

  it('attaches the closest catalog item to the offline answer', async () => {
    const businessId = await createTenant(t, { ctaTree: tree(), catalog: CATALOG });
    const c = chatter(t.http, businessId);
    await c.send('hi').expect(200);
    const res = await c.send('My shower drain is clogged, can you help?').expect(200);
    expect(res.body.response).toBeTruthy();
    expect(ids(res.body)).toEqual(['catalog:drains', ...ROOT]);
  });
});
