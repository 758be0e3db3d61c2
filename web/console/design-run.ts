import { ApiError } from './api';
import { card, h } from './dom';
import { actionForm, FormErrors, lines, textareaField } from './form';
import type { PageContext } from './page';
import { plain } from './transcript';

/*
 * The conversation design run before it is saved: Simulate (POST /admin/business/:id/simulate) and the conversation
 * tests (POST …/tests/run) both take the editors' values as a draft, and nothing is written. A draft the API refuses
 * is shown on the design form, beside the editors its `fields` name.
 */

/** One turn of POST /admin/business/:id/simulate (TurnTraceDto). */
interface TurnTrace {
  turn: number;
  message: string | null;
  reply: string;
  ctas: { id: string; label: string }[];
  sources: { title: string; url: string }[];
  intent: { name: string; confidence: number } | null;
  sentiment: { label: string; score: number } | null;
  rulesFired: string[];
  flow: { id: string; state: string } | null;
  flowEnded: boolean;
  captured: Record<string, string>;
  tags: string[];
  handoff: { reason: string } | null;
  handedOff: boolean;
  crmWrites: { tool: string; operation: string; id: string }[];
}

const MAX_TURNS = 30;

export function simulatePanel(
  ctx: PageContext,
  designErrors: FormErrors,
  draft: () => Record<string, unknown> | null,
): HTMLElement {
  const errors = new FormErrors();
  const turns = textareaField(errors, {
    path: 'turns',
    label: 'Visitor messages',
    help: `One message per line, sent in order as one conversation (at most ${MAX_TURNS}).`,
    rows: 4,
    value: 'Hi\nHow much does it cost?',
  });
  const out = h('div', { class: 'stack' });
  const form = actionForm(
    errors,
    {
      label: 'Simulate',
      busyLabel: 'Running the conversation…',
      action: async () => {
        const messages = lines(turns.input.value);
        if (!messages.length || messages.length > MAX_TURNS)
          return errors.showProblems([{ path: 'turns', message: `Give 1 to ${MAX_TURNS} messages, one per line.` }]);
        designErrors.clear();
        const config = draft();
        if (!config) return 'Fix the fields marked above first.';
        let result: { turns: TurnTrace[] };
        try {
          result = await ctx.api.post<{ turns: TurnTrace[] }>(
            `/admin/business/${encodeURIComponent(ctx.businessId)}/simulate`,
            { turns: messages.map((message) => ({ message })), config },
          );
        } catch (error) {
          // A draft the API refuses names the editor fields, like a save does: shown there.
          if (error instanceof ApiError && error.fields.length) {
            designErrors.show(error);
            return 'The draft has problems: see the fields marked above.';
          }
          throw error;
        }
        out.replaceChildren(traceView(result.turns));
        return `${result.turns.length} ${result.turns.length === 1 ? 'turn' : 'turns'}, nothing saved or sent.`;
      },
    },
    turns.row,
  );
  return card(
    'Simulate',
    h(
      'p',
      { class: 'help' },
      'Runs a conversation against the design above, saved or not, with the real assistant: no session, transcript, analytics, hand-off or CRM write is made (CRM writes are listed instead).',
    ),
    form,
    out,
  );
}

function traceView(turns: readonly TurnTrace[]): HTMLElement {
  return h(
    'ol',
    { class: 'transcript trace' },
    turns.map((t) => {
      const chips = [
        t.intent
          ? h('span', { class: 'chip' }, `Intent ${t.intent.name} · ${Math.round(t.intent.confidence * 100)} %`)
          : null,
        t.sentiment
          ? h('span', { class: `chip sentiment-${t.sentiment.label}` }, `Sentiment ${t.sentiment.label}`)
          : null,
        t.rulesFired.length ? h('span', { class: 'chip' }, `Rules ${t.rulesFired.join(', ')}`) : null,
        t.flow
          ? h('span', { class: 'chip' }, `Flow ${t.flow.id} → ${t.flow.state}${t.flowEnded ? ' (ended)' : ''}`)
          : null,
        Object.keys(t.captured).length
          ? h('span', { class: 'chip' }, `Captured ${Object.keys(t.captured).join(', ')}`)
          : null,
        t.tags.length ? h('span', { class: 'chip' }, `Tags ${t.tags.join(', ')}`) : null,
        t.handoff ? h('span', { class: 'chip warn' }, `Hand-off: ${t.handoff.reason}`) : null,
        t.crmWrites.length
          ? h('span', { class: 'chip' }, `CRM ${t.crmWrites.map((w) => w.operation).join(', ')} (dry run)`)
          : null,
      ].filter(Boolean);
      return [
        h(
          'li',
          { class: 'msg user' },
          h('span', { class: 'who' }, `Visitor · turn ${t.turn}`),
          h('p', null, t.message ?? ''),
        ),
        h(
          'li',
          { class: 'msg assistant' },
          h('span', { class: 'who' }, 'Assistant'),
          h('p', null, plain(t.reply)),
          t.ctas.length
            ? h(
                'div',
                { class: 'chips' },
                t.ctas.map((c) => h('span', { class: 'chip cta' }, c.label)),
              )
            : null,
          chips.length ? h('div', { class: 'chips' }, chips) : null,
        ),
      ];
    }),
  );
}

/** POST /admin/business/:id/tests/run (TestRunResponseDto). */
interface TestRun {
  passed: number;
  failed: number;
  tests: {
    name: string;
    passed: boolean;
    steps: { turn: number; passed: boolean; failures: { field: string; expected: unknown; actual: unknown }[] }[];
  }[];
}

export function testRunPanel(
  ctx: PageContext,
  designErrors: FormErrors,
  draft: () => Record<string, unknown> | null,
): HTMLElement {
  const errors = new FormErrors();
  const out = h('div', { class: 'stack' });
  const form = actionForm(errors, {
    label: 'Run the tests',
    busyLabel: 'Running…',
    class: 'inline-form',
    action: async () => {
      designErrors.clear();
      const config = draft();
      if (!config) return 'Fix the fields marked above first.';
      let run: TestRun;
      try {
        run = await ctx.api.post<TestRun>(`/admin/business/${encodeURIComponent(ctx.businessId)}/tests/run`, {
          config,
        });
      } catch (error) {
        if (error instanceof ApiError && error.fields.length) {
          designErrors.show(error);
          return 'The draft has problems: see the fields marked above.';
        }
        throw error;
      }
      out.replaceChildren(testRunView(run));
      return `${run.passed} passed, ${run.failed} failed.`;
    },
  });
  return card(
    'Run the tests',
    h('p', { class: 'help' }, 'Each test is a fresh simulated conversation against the design above, saved or not.'),
    form,
    out,
  );
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function testRunView(run: TestRun): HTMLElement {
  if (!run.tests.length) return h('p', { class: 'empty' }, 'No conversation test yet: add one above.');
  return h(
    'ul',
    { class: 'test-results' },
    run.tests.map((t) =>
      h(
        'li',
        null,
        h('span', { class: `badge ${t.passed ? 'done' : 'failed'}` }, t.passed ? 'Passed' : 'Failed'),
        ' ',
        h('strong', null, t.name),
        t.passed
          ? null
          : h(
              'ul',
              null,
              t.steps
                .filter((step) => !step.passed)
                .flatMap((step) =>
                  step.failures.map((f) =>
                    h('li', null, `Turn ${step.turn}, ${f.field}: expected ${show(f.expected)}, got ${show(f.actual)}`),
                  ),
                ),
            ),
      ),
    ),
  );
}
