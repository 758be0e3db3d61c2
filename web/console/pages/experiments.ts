import { ApiError, businessPath } from '../api';
import { type BusinessConfig, loadBusiness } from '../business-config';
import { button, card, formatDate, h, table, uid } from '../dom';
import { actionForm, FormErrors, inputField, selectField, textareaField } from '../form';
import type { ConsolePage, PageContext } from '../page';

type Status = 'draft' | 'running' | 'paused' | 'stopped';

/** One experiment of the business config (src/experiments/experiments.types.ts). */
interface Experiment {
  id: string;
  status: Status;
  goal: string;
  startedAt?: string;
  variants: { id: string; weight: number; overrides: Record<string, unknown> }[];
}

/** GET /admin/business/:id/experiments/:eid/results (ExperimentResultsDto). */
interface Results {
  lowerIsBetter: boolean;
  control: string;
  variants: {
    variantId: string;
    weight: number;
    exposed: number;
    conversions: number;
    rate: number | null;
    rateInterval: { low: number; high: number } | null;
    differenceToControl: { difference: number; low: number; high: number } | null;
    probabilityToBeatControl: number | null;
  }[];
  sampleRatioMismatch: { chiSquare: number; pValue: number | null; mismatch: boolean; threshold: number };
  methods: { rateInterval: string; differenceInterval: string; probabilityToBeatControl: string };
}

const GOALS: readonly [string, string][] = [
  ['lead_captured', 'Lead captured'],
  ['crm_contact_created', 'CRM contact created'],
  ['appointment_clicked', 'Appointment link clicked'],
  ['engaged', 'Engaged (two messages or more)'],
  ['handoff', 'Handed off (fewer is better)'],
];

/** What each status may become (src/experiments: a draft starts or stops, stopped is final). */
const NEXT: Record<Status, readonly [Status, string][]> = {
  draft: [
    ['running', 'Start'],
    ['stopped', 'Stop'],
  ],
  running: [
    ['paused', 'Pause'],
    ['stopped', 'Stop'],
  ],
  paused: [
    ['running', 'Resume'],
    ['stopped', 'Stop'],
  ],
  stopped: [],
};

const pct = (x: number | null | undefined, digits = 1) => (x == null ? '—' : `${(x * 100).toFixed(digits)} %`);
const signedPct = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x * 100).toFixed(1)} %`;

export const experimentsPage: ConsolePage = {
  id: 'experiments',
  title: 'Experiments',
  scope: 'business',
  async render(ctx) {
    const config = await loadBusiness(ctx.api, ctx.businessId);
    const experiments = Array.isArray(config.experiments) ? (config.experiments as unknown as Experiment[]) : [];
    const list = h('div', { class: 'stack' });
    const status = h('p', { class: 'status', role: 'status' });
    /** Saves the whole list (the business save endpoint takes `experiments` as one array) and redraws. */
    const persist = async (next: Experiment[]) => {
      const { config: saved } = await ctx.api.post<{ config: BusinessConfig }>('/admin/business', {
        businessId: ctx.businessId,
        experiments: next,
      });
      experiments.splice(0, experiments.length, ...(saved.experiments as unknown as Experiment[]));
      await draw();
    };
    /** A button's change: its outcome (a 409 for a change the server refuses) in the status line. */
    const save = async (next: Experiment[], done: string) => {
      status.className = 'status';
      status.textContent = 'Saving…';
      try {
        await persist(next);
        status.className = 'status ok';
        status.textContent = done;
      } catch (error) {
        status.className = 'status bad';
        status.textContent =
          error instanceof ApiError
            ? `${error.message}${error.code ? ` (${error.code})` : ''}`
            : error instanceof Error
              ? error.message
              : String(error);
      }
    };
    const draw = async () => {
      const views = await Promise.all(
        experiments.map((e, i) =>
          experimentView(ctx, e, {
            transition: (to, verb) =>
              save(
                experiments.map((x, j) => (j === i ? { ...x, status: to } : x)),
                `${verb}: ${e.id} is ${to}.`,
              ),
            remove: () =>
              save(
                experiments.filter((_, j) => j !== i),
                `Removed ${e.id}.`,
              ),
          }),
        ),
      );
      list.replaceChildren(...(views.length ? views : [h('p', { class: 'empty' }, 'No experiment yet.')]));
    };
    await draw();
    return h(
      'div',
      { class: 'stack' },
      card(
        'Experiments',
        h(
          'p',
          { class: 'help' },
          'Each visitor gets one variant for the whole conversation, by weight. Variants and goal are fixed once an experiment starts: stop it and start a new one to change them.',
        ),
        status,
        list,
      ),
      newExperimentForm(config, experiments, persist),
    );
  },
};

async function experimentView(
  ctx: PageContext,
  e: Experiment,
  on: { transition(to: Status, verb: string): Promise<void>; remove(): Promise<void> },
): Promise<HTMLElement> {
  const headingId = uid('exp');
  const results =
    e.status === 'draft'
      ? h('p', { class: 'empty' }, 'Results appear once it starts.')
      : resultsView(
          await ctx.api.get<Results>(businessPath(ctx.businessId, `/experiments/${encodeURIComponent(e.id)}/results`)),
        );
  const actions = [
    ...NEXT[e.status].map(([to, verb]) =>
      button(verb, () => on.transition(to, verb), {
        class: to === 'running' ? 'primary' : to === 'stopped' ? 'danger-link' : '',
        'aria-label': `${verb} ${e.id}`,
      }),
    ),
    e.status === 'draft' || e.status === 'stopped'
      ? button('Remove', () => on.remove(), { class: 'danger-link', 'aria-label': `Remove ${e.id}` })
      : null,
  ];
  return h(
    'section',
    { class: 'experiment', 'aria-labelledby': headingId },
    h(
      'div',
      { class: 'cluster-head' },
      h('h3', { id: headingId }, e.id),
      h('span', { class: `badge status-${e.status}` }, e.status),
    ),
    h(
      'p',
      { class: 'meta' },
      `Goal ${e.goal}`,
      e.startedAt ? ` · started ${formatDate(e.startedAt)}` : '',
      ` · variants ${e.variants.map((v) => `${v.id} (weight ${v.weight}${Object.keys(v.overrides ?? {}).length ? `, changes ${Object.keys(v.overrides).join(', ')}` : ''})`).join(', ')}`,
    ),
    results,
    h('div', { class: 'cta-tools' }, actions),
  );
}

function resultsView(r: Results): HTMLElement {
  const srm = r.sampleRatioMismatch;
  return h(
    'div',
    { class: 'stack' },
    table(
      'Results by variant',
      ['Variant', 'Exposed', 'Conversions', 'Rate (95 % interval)', 'Difference to control', 'Chance to beat control'],
      r.variants.map((v) => [
        v.variantId === r.control
          ? h('span', null, v.variantId, h('span', { class: 'badge' }, 'control'))
          : v.variantId,
        v.exposed.toLocaleString(),
        v.conversions.toLocaleString(),
        v.rate === null
          ? '—'
          : h(
              'span',
              null,
              pct(v.rate),
              v.rateInterval
                ? h('span', { class: 'sub block' }, `${pct(v.rateInterval.low)} – ${pct(v.rateInterval.high)}`)
                : null,
            ),
        v.differenceToControl
          ? h(
              'span',
              null,
              signedPct(v.differenceToControl.difference),
              h(
                'span',
                { class: 'sub block' },
                `${signedPct(v.differenceToControl.low)} to ${signedPct(v.differenceToControl.high)}`,
              ),
            )
          : '—',
        v.probabilityToBeatControl === null ? '—' : pct(v.probabilityToBeatControl, 0),
      ]),
    ),
    h(
      'p',
      { class: srm.mismatch ? 'form-error' : 'help', role: srm.mismatch ? 'alert' : null },
      srm.mismatch
        ? `Sample ratio mismatch: the split does not follow the weights (χ² ${srm.chiSquare.toFixed(2)}, p ${srm.pValue?.toExponential(1) ?? '—'}). Assignment or logging is broken; do not trust these numbers.`
        : `Split follows the weights (χ² ${srm.chiSquare.toFixed(2)}, p ${srm.pValue === null ? '—' : srm.pValue.toFixed(3)}).`,
      r.lowerIsBetter
        ? ' Fewer conversions is better for this goal: the chance to beat control is of a lower rate.'
        : '',
    ),
    h(
      'p',
      { class: 'help' },
      `Rates: ${r.methods.rateInterval}. Differences: ${r.methods.differenceInterval}. Chance to beat control: ${r.methods.probabilityToBeatControl}.`,
    ),
  );
}

interface VariantRow {
  el: HTMLElement;
  id: HTMLInputElement;
  weight: HTMLInputElement;
  overrides: HTMLTextAreaElement;
  register(errors: FormErrors, base: string): void;
}

const OVERRIDES_HELP =
  'JSON object replacing any of greetingMessage, systemPrompt, personality, primaryGoal, ctaTree, rules, flows, profile. {} for the control.';

function newExperimentForm(
  config: BusinessConfig,
  experiments: Experiment[],
  create: (next: Experiment[]) => Promise<void>,
): HTMLElement {
  const errors = new FormErrors();
  const id = inputField(errors, {
    path: '',
    label: 'Experiment id',
    help: 'Lower case, digits, _ and - (e.g. greeting_test).',
    attrs: { autocomplete: 'off', spellcheck: 'false' },
  });
  const goal = selectField(errors, {
    path: '',
    label: 'Goal',
    value: 'lead_captured',
    options: [
      ...GOALS,
      ...Object.values(config.ctaTree).map((n): [string, string] => [
        `cta_clicked:${n.id}`,
        `Button “${n.label}” clicked`,
      ]),
    ],
  });
  const rows: VariantRow[] = [];
  const list = h('ol', { class: 'design-items' });
  const addRow = (v: { id: string; weight: number; overrides: unknown }) => {
    const vid = inputField(errors, { path: '', label: 'Variant id', value: v.id, attrs: { autocomplete: 'off' } });
    const weight = inputField(errors, {
      path: '',
      label: 'Weight',
      type: 'number',
      value: v.weight,
      attrs: { min: 0, step: 'any' },
    });
    const overrides = textareaField(errors, {
      path: '',
      label: 'Overrides',
      rows: 3,
      help: OVERRIDES_HELP,
      value: JSON.stringify(v.overrides, null, 2),
      attrs: { spellcheck: 'false', class: 'code-input' },
    });
    const legend = h('legend', null, `Variant ${v.id || rows.length + 1}`);
    vid.input.addEventListener('input', () => (legend.textContent = `Variant ${vid.input.value.trim()}`));
    const row: VariantRow = {
      el: h(
        'li',
        null,
        h(
          'fieldset',
          { class: 'cta-node design-item' },
          legend,
          h('div', { class: 'design-fields' }, h('div', { class: 'cta-fields' }, vid.row, weight.row), overrides.row),
        ),
      ),
      id: vid.input,
      weight: weight.input,
      overrides: overrides.input,
      register: (e, base) => {
        const slot = (f: { row: HTMLElement; input: HTMLElement }, paths: string[]) => {
          for (const p of paths) e.register(p, f.input, f.row.querySelector<HTMLElement>('.field-error')!);
        };
        slot(vid, [base, `${base}.id`]);
        slot(weight, [`${base}.weight`]);
        slot(overrides, [`${base}.overrides`]);
      },
    };
    rows.push(row);
    list.append(row.el);
  };
  addRow({ id: 'control', weight: 1, overrides: {} });
  addRow({
    id: 'variant_b',
    weight: 1,
    overrides: { greetingMessage: config.greetingMessage ?? 'Hi! How can we help?' },
  });
  errors.forgetFields();
  const form = actionForm(
    errors,
    {
      label: 'Create as draft',
      busyLabel: 'Creating…',
      class: 'stack',
      action: async () => {
        const index = experiments.length;
        const at = `experiments[${index}]`;
        errors.forgetFields();
        errors.register(`${at}.id`, id.input, id.row.querySelector<HTMLElement>('.field-error')!);
        errors.register(`${at}.goal`, goal.input, goal.row.querySelector<HTMLElement>('.field-error')!);
        errors.register(`${at}`, id.input, id.row.querySelector<HTMLElement>('.field-error')!);
        rows.forEach((r, j) => r.register(errors, `${at}.variants[${j}]`));
        const problems: { path: string; message: string }[] = [];
        const variants = rows.map((r, j) => {
          let overrides: unknown = {};
          const text = r.overrides.value.trim();
          try {
            overrides = text ? JSON.parse(text) : {};
          } catch (error) {
            problems.push({
              path: `${at}.variants[${j}].overrides`,
              message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
            });
          }
          return {
            id: r.id.value.trim(),
            weight: Number(r.weight.value),
            overrides: overrides as Record<string, unknown>,
          };
        });
        if (!id.input.value.trim()) problems.push({ path: `${at}.id`, message: 'Give the experiment an id.' });
        if (problems.length) return errors.showProblems(problems);
        const experiment: Experiment = { id: id.input.value.trim(), status: 'draft', goal: goal.input.value, variants };
        await create([...experiments, experiment]);
        id.input.value = '';
        return `Created ${experiment.id} as a draft: start it from the list above.`;
      },
    },
    h('div', { class: 'cta-fields' }, id.row, goal.row),
    list,
    h(
      'div',
      { class: 'actions' },
      button('Add a variant', () => addRow({ id: '', weight: 1, overrides: {} })),
    ),
  );
  return card('New experiment', form);
}
