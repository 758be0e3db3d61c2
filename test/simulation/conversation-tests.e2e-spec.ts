import { createTenant } from 'test/chat/chat.support';
import { uniqueBusinessId } from 'test/factories/business.factory';
import { goaccelBusiness } from 'test/simulation/goaccel-design';
import { bootTestApp, TestApp } from 'test/support/test-app';

const PASSING = {
  name: 'pricing qualifies the lead',
  turns: [
    {
      message: 'How much does GoAccel cost?',
      expect: { intent: 'pricing', rulesFired: ['pricing_qualify'], state: 'ask_team_size' },
    },
    { message: 'We have 12 technicians', expect: { state: 'ask_contact', rulesFired: [] } },
    {
      message: "I'm Dana Whitfield, dana@whitfield-hvac.com, 415 555 2671",
      expect: { state: 'quote_sent', ctas: ['book_appointment'], replyContains: 'tailored quote', handoff: false },
    },
  ],
};
const FAILING = {
  name: 'complaints stay with the assistant',
  turns: [
    { cta_id: 'sales_team', expect: { ctas: ['growth_platform_only'] } },
    {
      message: 'Your last invoice was wrong and nobody called me back. This is terrible.',
      expect: { intent: 'complaint', handoff: false, state: 'ask_team_size' },
    },
  ],
};

const run = (id: string) => `/admin/business/${id}/tests/run`;

describe('POST /admin/business/:id/tests/run', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t?.close());

  it('runs every test as a fresh conversation: pass or fail per step, with expected against actual', async () => {
    const id = await createTenant(t, goaccelBusiness(uniqueBusinessId('goaccel'), { tests: [PASSING, FAILING] }));
    const res = await t.http.post(run(id)).set(t.admin).send({}).expect(200);
    expect(res.body).toMatchObject({ businessId: id, draft: false, passed: 1, failed: 1 });
    const [passing, failing] = res.body.tests;
    expect(passing).toMatchObject({ name: PASSING.name, passed: true });
    expect(passing.steps.map((s: { passed: boolean }) => s.passed)).toEqual([true, true, true]);
    expect(failing).toMatchObject({ name: FAILING.name, passed: false });
    expect(failing.steps[0]).toMatchObject({ turn: 1, passed: true, failures: [] });
    expect(failing.steps[1]).toMatchObject({
      turn: 2,
      passed: false,
      failures: [
        { field: 'state', expected: 'ask_team_size', actual: null },
        { field: 'handoff', expected: false, actual: 'rule:complaint' },
      ],
    });
    expect(failing.steps[1].trace).toMatchObject({ intent: { name: 'complaint' }, handedOff: true });
    // A fresh conversation per test: the second one starts with no lead fields from the first.
    expect(failing.steps[0].trace.captured).toEqual({});
  });

  it('runs only the tests named, and refuses a name that is no test', async () => {
    const id = await createTenant(t, goaccelBusiness(uniqueBusinessId('goaccel'), { tests: [PASSING, FAILING] }));
    const only = await t.http
      .post(run(id))
      .set(t.admin)
      .send({ names: [PASSING.name] })
      .expect(200);
    expect(only.body).toMatchObject({ passed: 1, failed: 0, tests: [{ name: PASSING.name }] });
    const unknown = await t.http
      .post(run(id))
      .set(t.admin)
      .send({ names: ['nope'] })
      .expect(400);
    expect(unknown.body.code).toBe('SIMULATION.UNKNOWN_TEST');
  });

  it('runs the tests of a draft without saving them', async () => {
    const id = await createTenant(t, goaccelBusiness(uniqueBusinessId('goaccel')));
    const res = await t.http
      .post(run(id))
      .set(t.admin)
      .send({ config: { tests: [PASSING] } })
      .expect(200);
    expect(res.body).toMatchObject({ draft: true, passed: 1, failed: 0 });
    const saved = await t.http.get(`/admin/business/${id}`).set(t.admin).expect(200);
    expect(saved.body.config.tests).toEqual([]);
  });

  it('refuses on save tests naming unknown intents, rules, states or CTAs, with the step and field', async () => {
    const id = await createTenant(t, goaccelBusiness(uniqueBusinessId('goaccel')));
    const tests = [
      {
        name: 'typos',
        turns: [
          {
            message: 'hi',
            expect: { intent: 'pricng', rulesFired: ['ghost_rule'], state: 'nowhere', ctas: ['ghost'], colour: 'x' },
          },
          { cta_id: 'ghost' },
          { message: 'hi', cta_id: 'sales_team' },
        ],
      },
      { name: 'typos', turns: [] },
    ];
    const res = await t.http.post('/admin/business').set(t.admin).send({ businessId: id, tests }).expect(400);
    expect(res.body.code).toBe('TENANT.INVALID_CONFIG');
    expect(res.body.fields).toEqual([
      { path: 'tests.typos.turns.0.expect.colour', message: 'unknown expectation' },
      { path: 'tests.typos.turns.0.expect.intent', message: 'unknown intent "pricng"' },
      { path: 'tests.typos.turns.0.expect.rulesFired', message: 'unknown rule "ghost_rule"' },
      { path: 'tests.typos.turns.0.expect.state', message: 'unknown flow state "nowhere"' },
      { path: 'tests.typos.turns.0.expect.ctas', message: 'unknown CTA "ghost"' },
      { path: 'tests.typos.turns.1.cta_id', message: 'unknown CTA "ghost"' },
      { path: 'tests.typos.turns.2.message', message: 'give either message or cta_id, not both' },
      { path: 'tests.typos.name', message: 'duplicate test name "typos"' },
      { path: 'tests.typos.turns', message: 'must be an array of 1–30 turns' },
    ]);
  });
});
