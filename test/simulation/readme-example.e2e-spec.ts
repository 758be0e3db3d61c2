import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createTenant } from 'test/chat/chat.support';
import { uniqueBusinessId } from 'test/factories/business.factory';
import { goaccelNdjson, kbPath, waitForJob } from 'test/rag/knowledge-test-helpers';
import { GOACCEL_TURNS, goaccelBusiness } from 'test/simulation/goaccel-design';
import { bootTestApp, TestApp } from 'test/support/test-app';

const README = join(__dirname, '..', '..', 'README.md');
const START = '<!-- simulate-example:start -->';
const END = '<!-- simulate-example:end -->';

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
  crmWrites: { tool: string; id: string; fields: Record<string, string> }[];
}

/** The README shows each turn trimmed to what a designer reads; the session id is random per run. */
function trimmed(trace: Trace): Record<string, unknown> {
  return {
    turn: trace.turn,
    message: trace.message,
    reply: trace.reply,
    ctas: trace.ctas.map((c) => c.id),
    intent: trace.intent,
    sentiment: trace.sentiment?.label ?? null,
    rulesFired: trace.rulesFired,
    flow: trace.flow,
    ...(trace.flowEnded ? { flowEnded: true } : {}),
    captured: Object.keys(trace.captured),
    handoff: trace.handoff,
    ...(trace.handedOff ? { handedOff: true } : {}),
    crmWrites: trace.crmWrites.map((w) => ({ tool: w.tool, id: w.id, fields: Object.keys(w.fields) })),
  };
}

describe("README's worked example (GoAccel) stays true", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t?.close());

  it('shows the trace the simulate endpoint actually returns', async () => {
    const id = await createTenant(t, goaccelBusiness(uniqueBusinessId('goaccel')));
    const accepted = await t.http
      .post(kbPath(id, '/documents'))
      .set(t.admin)
      .set('Content-Type', 'application/x-ndjson')
      .send(goaccelNdjson())
      .expect(202);
    expect((await waitForJob(t, id, accepted.body.jobId as string, 150_000)).status).toBe('completed');

    const res = await t.http.post(`/admin/business/${id}/simulate`).set(t.admin).send({ turns: GOACCEL_TURNS });
    expect(res.status).toBe(200);
    const actual = (res.body.turns as Trace[]).map(trimmed);
    if (process.env.PRINT_SIMULATE_EXAMPLE) console.log(JSON.stringify(actual, null, 2));

    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(START);
    const block = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END));
    const json = /```json\n([\s\S]*?)```/.exec(block)?.[1];
    expect(json).toBeDefined();
    expect(JSON.parse(json!)).toEqual(actual);
  }, 200_000);
});
