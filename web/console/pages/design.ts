import { ApiError } from '../api';
import { type BusinessConfig, loadBusiness } from '../business-config';
import { button, card, type Child, h } from '../dom';
import { actionForm, checkboxField, FormErrors, inputField, lines, selectField, textareaField } from '../form';
import type { ConsolePage, PageContext } from '../page';
import { plain } from '../transcript';

/** What GET /admin/business/:id returns for conversation design, beside the fields of BusinessConfig. */
interface DesignConfig extends BusinessConfig {
  intents: { name: string; description?: string; examples: string[] }[];
  profiles: Record<string, { systemPrompt?: string; personality?: string; primaryGoal?: string }>;
  flows: unknown[];
  tests?: ConversationTest[];
}

interface Problem {
  path: string;
  message: string;
}

const NAME = /^[a-z][a-z0-9_]{0,39}$/;
const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** An input or textarea with the error slot `inputField`/`textareaField` put beside it. */
interface Field<C extends HTMLElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement> {
  row: HTMLElement;
  input: C;
}

/**
 * One editable item of a list (an intent, a profile, a rule, a flow). Its error paths depend on what is typed (a
 * rule's problems are `rules.<id>.when`), so it registers its inputs again before every save.
 */
interface Item<V> {
  el: HTMLElement;
  value(): V;
  /** Registers each input under the paths the API names it by, given the item's place in the saved array. */
  register(errors: FormErrors, index: number): void;
  /** What the browser can tell before sending: names, required fields, JSON that does not parse. */
  problems(index: number): Problem[];
}

const messageOf = (f: Field) => f.row.querySelector<HTMLElement>('.field-error')!;
const reg = (errors: FormErrors, paths: readonly string[], f: Field) => {
  for (const p of paths) errors.register(p, f.input, messageOf(f));
};

/** A list of item cards with "Add" and per-item "Remove" (and, where order matters, "Move up"). */
class ItemList<V> {
  private readonly items: Item<V>[] = [];
  readonly list = h('ol', { class: 'design-items' });
  readonly add: HTMLButtonElement;

  constructor(
    private readonly make: (initial: V | null, tools: HTMLElement) => Item<V>,
    initial: readonly V[],
    private readonly noun: string,
    private readonly ordered = false,
  ) {
    for (const v of initial) this.push(v);
    this.add = button(`Add ${noun === 'intent' ? 'an' : 'a'} ${noun}`, () => {
      const item = this.push(null);
      item.el.querySelector<HTMLElement>('input, textarea')?.focus();
    });
  }

  values(): V[] {
    return this.items.map((i) => i.value());
  }

  register(errors: FormErrors, offset = 0): void {
    this.items.forEach((item, i) => item.register(errors, offset + i));
  }

  problems(offset = 0): Problem[] {
    return this.items.flatMap((item, i) => item.problems(offset + i));
  }

  view(title: string, help: Child): HTMLElement {
    return card(title, h('p', { class: 'help' }, help), this.list, h('div', { class: 'actions' }, this.add));
  }

  private push(initial: V | null): Item<V> {
    const tools = h('div', { class: 'cta-tools' });
    const item = this.make(initial, tools);
    const name = () => item.el.querySelector('legend')?.textContent ?? this.noun;
    const up = this.ordered ? button('Move up', () => this.move(item, -1), { class: 'ghost' }) : null;
    const remove = button(
      'Remove',
      () => {
        this.items.splice(this.items.indexOf(item), 1);
        item.el.remove();
        this.add.focus();
      },
      { class: 'danger-link' },
    );
    // Buttons are named after the item as typed so far: "Move Rule pricing_nudge up".
    const label = () => {
      up?.setAttribute('aria-label', `Move ${name()} up`);
      remove.setAttribute('aria-label', `Remove ${name()}`);
    };
    label();
    item.el.addEventListener('input', label);
    tools.append(...[up, remove].filter((b): b is HTMLButtonElement => b !== null));
    this.items.push(item);
    this.list.append(item.el);
    return item;
  }

  private move(item: Item<V>, by: number): void {
    const i = this.items.indexOf(item);
    const j = i + by;
    if (j < 0 || j >= this.items.length) return;
    [this.items[i], this.items[j]] = [this.items[j], this.items[i]];
    this.list.replaceChildren(...this.items.map((x) => x.el));
    item.el.querySelector<HTMLButtonElement>('button[aria-label^="Move"]')?.focus();
  }
}

/** A fieldset whose legend follows the item's name as it is typed. */
function itemCard(noun: string, nameInput: HTMLInputElement, tools: HTMLElement, ...rows: Child[]): HTMLElement {
  const legend = h('legend', null);
  const sync = () =>
    (legend.textContent = nameInput.value.trim() ? `${noun} ${nameInput.value.trim()}` : `New ${noun}`);
  sync();
  nameInput.addEventListener('input', sync);
  return h(
    'li',
    null,
    h('fieldset', { class: 'cta-node design-item' }, legend, h('div', { class: 'design-fields' }, rows), tools),
  );
}

function jsonField(
  errors: FormErrors,
  label: string,
  value: unknown,
  help: string,
  rows = 5,
): Field<HTMLTextAreaElement> {
  const f = textareaField(errors, {
    path: '',
    label,
    help,
    rows,
    value: value === undefined ? '' : JSON.stringify(value, null, 2),
    attrs: { spellcheck: 'false', class: 'code-input', autocapitalize: 'off' },
  });
  return f;
}

/** Parses a JSON editor's text; a syntax error becomes a problem at `path`. */
function parseJson(f: Field<HTMLTextAreaElement>, path: string, problems: Problem[]): unknown {
  const text = f.input.value.trim();
  if (!text) {
    problems.push({ path, message: 'Required (JSON).' });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems.push({ path, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Intents

type Intent = DesignConfig['intents'][number];

function intentItem(errors: FormErrors) {
  return (initial: Intent | null, tools: HTMLElement): Item<Intent> => {
    const name = inputField(errors, {
      path: '',
      label: 'Name',
      value: initial?.name ?? '',
      help: 'Lower case, digits and _ (e.g. opening_hours). A built-in name adds examples to it.',
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    });
    const description = inputField(errors, { path: '', label: 'Description', value: initial?.description ?? '' });
    const examples = textareaField(errors, {
      path: '',
      label: 'Examples',
      help: 'One visitor message per line (1–200).',
      rows: 4,
      value: (initial?.examples ?? []).join('\n'),
    });
    const el = itemCard(
      'Intent',
      name.input,
      tools,
      h('div', { class: 'cta-fields' }, name.row, description.row),
      examples.row,
    );
    return {
      el,
      value: () => ({
        name: name.input.value.trim(),
        ...(description.input.value.trim() ? { description: description.input.value.trim() } : {}),
        examples: lines(examples.input.value),
      }),
      register: (e, i) => {
        reg(e, [`intents[${i}].name`, `intents[${i}]`], name);
        reg(e, [`intents[${i}].description`], description);
        reg(e, [`intents[${i}].examples`], examples);
      },
      problems: (i) => {
        const out: Problem[] = [];
        const n = name.input.value.trim();
        if (!NAME.test(n))
          out.push({ path: `intents[${i}].name`, message: 'Start with a letter; lower case, digits and _ only.' });
        else if (n === 'other')
          out.push({ path: `intents[${i}].name`, message: '“other” is what no intent matches: it takes no examples.' });
        const count = lines(examples.input.value).length;
        if (count < 1 || count > 200)
          out.push({ path: `intents[${i}].examples`, message: 'Give 1 to 200 examples, one per line.' });
        return out;
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Profiles

type Profile = DesignConfig['profiles'][string];
const PROFILE_FIELDS = ['personality', 'primaryGoal', 'systemPrompt'] as const;

function profileItem(errors: FormErrors) {
  return (initial: [string, Profile] | null, tools: HTMLElement): Item<[string, Profile]> => {
    const name = inputField(errors, {
      path: '',
      label: 'Name',
      value: initial?.[0] ?? '',
      help: 'What a rule’s {"profile": name} action switches to.',
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    });
    const p = initial?.[1] ?? {};
    const personality = inputField(errors, { path: '', label: 'Personality', value: p.personality ?? '' });
    const goal = inputField(errors, { path: '', label: 'Primary goal', value: p.primaryGoal ?? '' });
    const prompt = textareaField(errors, {
      path: '',
      label: 'Extra instructions',
      rows: 3,
      value: p.systemPrompt ?? '',
      help: 'Each field given replaces the business’s own while the profile is on; empty ones keep it.',
    });
    const fields = { personality, primaryGoal: goal, systemPrompt: prompt };
    const el = itemCard(
      'Profile',
      name.input,
      tools,
      h('div', { class: 'cta-fields' }, name.row, personality.row, goal.row),
      prompt.row,
    );
    return {
      el,
      value: () => {
        const profile: Profile = {};
        for (const key of PROFILE_FIELDS)
          if (fields[key].input.value.trim()) profile[key] = fields[key].input.value.trim();
        return [name.input.value.trim(), profile];
      },
      register: (e) => {
        const n = name.input.value.trim();
        reg(e, [`profiles.${n}`], name);
        for (const key of PROFILE_FIELDS) reg(e, [`profiles.${n}.${key}`], fields[key]);
      },
      problems: () =>
        NAME.test(name.input.value.trim())
          ? []
          : [
              {
                path: `profiles.${name.input.value.trim()}`,
                message: 'Start with a letter; lower case, digits and _ only.',
              },
            ],
    };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

interface Rule {
  id: string;
  description?: string;
  when: unknown;
  then: unknown;
  channels?: ('chat' | 'voice')[];
  stop?: boolean;
}

const RULE_HELP =
  'JsonLogic over the turn: message, turn, channel, intent.name, intent.confidence, sentiment.label, sentiment.score, metadata.*, captured.*, missing, flow, state, cta, variant, tags, time.hour, time.weekday, time.date. true fires on every turn.';
const ACTIONS_HELP =
  'A list of actions: reply, instruction, showCtas, hideCtas, setMetadata, tag, handoff {reason}, collect [fields], profile, startFlow, setState.';

function ruleItem(errors: FormErrors) {
  return (initial: Rule | null, tools: HTMLElement): Item<Rule> => {
    const id = inputField(errors, {
      path: '',
      label: 'Id',
      value: initial?.id ?? '',
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    });
    const description = inputField(errors, { path: '', label: 'Description', value: initial?.description ?? '' });
    const channels = selectField(errors, {
      path: '',
      label: 'Channels',
      value: initial?.channels?.length === 1 ? initial.channels[0] : '',
      options: [
        ['', 'Chat and voice'],
        ['chat', 'Chat only'],
        ['voice', 'Voice only'],
      ],
    });
    const stop = checkboxField(errors, {
      path: '',
      label: 'Stop here: later rules do not run when this one fires',
      checked: initial?.stop === true,
    });
    const when = jsonField(
      errors,
      'When',
      initial ? initial.when : { '==': [{ var: 'intent.name' }, 'pricing'] },
      RULE_HELP,
      4,
    );
    const then = jsonField(
      errors,
      'Then',
      initial ? initial.then : [{ instruction: 'Offer a call to discuss pricing.' }],
      ACTIONS_HELP,
      4,
    );
    const el = itemCard(
      'Rule',
      id.input,
      tools,
      h('div', { class: 'cta-fields' }, id.row, description.row, channels.row),
      stop.row,
      h('div', { class: 'json-pair' }, when.row, then.row),
    );
    const paths = (i: number) => [`rules.${id.input.value.trim()}`, `rules[${i}]`];
    return {
      el,
      value: () => ({
        id: id.input.value.trim(),
        ...(description.input.value.trim() ? { description: description.input.value.trim() } : {}),
        when: tryJson(when.input.value),
        then: tryJson(then.input.value),
        ...(channels.input.value ? { channels: [channels.input.value as 'chat' | 'voice'] } : {}),
        ...(stop.input.checked ? { stop: true } : {}),
      }),
      register: (e, i) => {
        for (const base of paths(i)) {
          reg(e, [base, `${base}.id`], id);
          reg(e, [`${base}.description`], description);
          reg(e, [`${base}.channels`], channels);
          reg(e, [`${base}.stop`], stop);
          reg(e, [`${base}.when`], when);
          reg(e, [`${base}.then`], then);
        }
      },
      problems: (i) => {
        const out: Problem[] = [];
        const base = paths(i)[0];
        if (!RULE_ID.test(id.input.value.trim()))
          out.push({ path: `rules[${i}].id`, message: 'Letters, digits, _ . - (at most 64).' });
        parseJson(when, `${base}.when`, out);
        parseJson(then, `${base}.then`, out);
        return out;
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Flows

interface Flow {
  id: string;
  start: string;
  states: unknown;
}

const STATES_HELP =
  'name → {say?, instruction?, ctas?: [ids], collect?: [fields], on?: [{when: JsonLogic, to: state}], end?}. Started by a rule’s {"startFlow": id}.';

function flowItem(errors: FormErrors) {
  return (initial: Flow | null, tools: HTMLElement): Item<Flow> => {
    const id = inputField(errors, {
      path: '',
      label: 'Id',
      value: initial?.id ?? '',
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    });
    const start = inputField(errors, {
      path: '',
      label: 'First state',
      value: initial?.start ?? 'ask',
      attrs: { autocomplete: 'off', spellcheck: 'false' },
    });
    const states = jsonField(
      errors,
      'States',
      initial
        ? initial.states
        : {
            ask: {
              say: 'How many people are on your team?',
              on: [{ when: { '!=': [{ var: 'message' }, ''] }, to: 'offer' }],
            },
            offer: { instruction: 'Recommend a plan for that team size.', end: true },
          },
      STATES_HELP,
      10,
    );
    const el = itemCard('Flow', id.input, tools, h('div', { class: 'cta-fields' }, id.row, start.row), states.row);
    const paths = (i: number) => [`flows.${id.input.value.trim()}`, `flows[${i}]`];
    return {
      el,
      value: () => ({
        id: id.input.value.trim(),
        start: start.input.value.trim(),
        states: tryJson(states.input.value),
      }),
      register: (e, i) => {
        for (const base of paths(i)) {
          reg(e, [base, `${base}.id`], id);
          reg(e, [`${base}.start`], start);
          reg(e, [`${base}.states`], states);
        }
      },
      problems: (i) => {
        const out: Problem[] = [];
        parseJson(states, `${paths(i)[0]}.states`, out);
        return out;
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Conversation tests: each a conversation run like Simulate, with what every turn should do.

interface ConversationTest {
  name: string;
  turns: unknown;
}

const TEST_TURNS_HELP =
  'A list of turns: {message | cta_id, metadata?, expect?: {intent?, rulesFired?, state?, ctas?, replyContains?, handoff?}}.';

function testItem(errors: FormErrors) {
  return (initial: ConversationTest | null, tools: HTMLElement): Item<ConversationTest> => {
    const name = inputField(errors, {
      path: '',
      label: 'Name',
      value: initial?.name ?? '',
      attrs: { autocomplete: 'off' },
    });
    const turns = jsonField(
      errors,
      'Turns',
      initial ? initial.turns : [{ message: 'How much does it cost?', expect: { intent: 'pricing' } }],
      TEST_TURNS_HELP,
      6,
    );
    const el = itemCard('Test', name.input, tools, name.row, turns.row);
    const paths = (i: number) => [`tests.${name.input.value.trim()}`, `tests.${i}`];
    return {
      el,
      value: () => ({ name: name.input.value.trim(), turns: tryJson(turns.input.value) }),
      register: (e, i) => {
        for (const base of paths(i)) {
          reg(e, [`${base}.name`], name);
          reg(e, [base, `${base}.turns`], turns);
        }
      },
      problems: (i) => {
        const out: Problem[] = [];
        if (!name.input.value.trim()) out.push({ path: `tests.${i}.name`, message: 'Give the test a name.' });
        parseJson(turns, `${paths(i)[0]}.turns`, out);
        return out;
      },
    };
  };
}

const asRule = (r: unknown): Rule => r as Rule;
const asFlow = (f: unknown): Flow => f as Flow;

export const designPage: ConsolePage = {
  id: 'design',
  title: 'Conversation design',
  scope: 'business',
  async render(ctx) {
    const config = (await loadBusiness(ctx.api, ctx.businessId)) as DesignConfig;
    const errors = new FormErrors();
    // Text rules are guidance for the prompt, edited on the settings page; they are saved first, as they were.
    const guidance = config.rules.filter((r): r is string => typeof r === 'string');
    const intents = new ItemList(intentItem(errors), config.intents, 'intent');
    const profiles = new ItemList(profileItem(errors), Object.entries(config.profiles), 'profile');
    const rules = new ItemList(
      ruleItem(errors),
      config.rules.filter((r) => typeof r !== 'string').map(asRule),
      'rule',
      true,
    );
    const flows = new ItemList(flowItem(errors), config.flows.map(asFlow), 'flow');
    const tests = new ItemList(testItem(errors), config.tests ?? [], 'conversation test');
    // The inputs were made before any path was known: start with none, register them as they are now at each save.
    errors.forgetFields();
    const registerAll = () => {
      errors.forgetFields();
      intents.register(errors);
      profiles.register(errors);
      rules.register(errors, guidance.length);
      flows.register(errors);
      tests.register(errors);
    };
    /** The editors' values as a config patch, or null after showing what the browser can already tell is wrong. */
    const checkedDraft = () => {
      registerAll();
      const problems = [
        ...intents.problems(),
        ...profiles.problems(),
        ...rules.problems(guidance.length),
        ...flows.problems(),
        ...tests.problems(),
      ];
      const names = profiles.values().map(([n]) => n);
      names.forEach((n, i) => {
        if (names.indexOf(n) !== i) problems.push({ path: `profiles.${n}`, message: 'Two profiles have this name.' });
      });
      if (problems.length) {
        errors.showProblems(problems);
        return null;
      }
      return {
        intents: intents.values(),
        profiles: Object.fromEntries(profiles.values()),
        rules: [...guidance, ...rules.values()],
        flows: flows.values(),
        tests: tests.values(),
      };
    };
    const form = actionForm(
      errors,
      {
        label: 'Save conversation design',
        busyLabel: 'Saving…',
        class: 'stack design-form',
        action: async () => {
          const draft = checkedDraft();
          if (!draft) return;
          const { config: saved } = await ctx.api.post<{ config: BusinessConfig }>('/admin/business', {
            businessId: ctx.businessId,
            ...draft,
          });
          return `Saved: version ${saved.version}.`;
        },
      },
      intents.view(
        'Intents',
        'What visitors mean, learnt from examples, on top of the built-ins (greeting, thanks, goodbye, human_handoff, appointment, pricing, complaint, smalltalk, other). Rules read it as intent.name.',
      ),
      rules.view('Rules', [
        'Checked in order on every visitor message: when the condition holds, the actions run. Text guidance for the prompt is on ',
        h('a', { href: `#/b/${encodeURIComponent(ctx.businessId)}/settings` }, 'Settings'),
        '.',
      ]),
      profiles.view('Profiles', 'Prompt variants a rule can switch to for the rest of a conversation.'),
      flows.view(
        'Flows',
        'Guided conversations, one state per step; a state’s transitions are read on the next visitor message.',
      ),
      tests.view(
        'Conversation tests',
        'Conversations with what each turn should do (intent, rules fired, flow state, buttons, words in the reply, hand-off), run against the design with “Run the tests” below.',
      ),
    );
    return h(
      'div',
      { class: 'stack' },
      form,
      simulatePanel(ctx, errors, checkedDraft),
      testRunPanel(ctx, errors, checkedDraft),
    );
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Simulate: the editors' unsaved values run as a draft (POST /admin/business/:id/simulate), nothing written.

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

function simulatePanel(
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

function testRunPanel(
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
