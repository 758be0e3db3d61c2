import { type BusinessConfig, loadBusiness } from '../business-config';
import { type Item, itemCard, ItemList, jsonField, parseJson, type Problem, reg, tryJson } from '../design-kit';
import { simulatePanel, testRunPanel } from '../design-run';
import { h } from '../dom';
import { actionForm, checkboxField, FormErrors, inputField, lines, selectField, textareaField } from '../form';
import type { ConsolePage } from '../page';

/** What GET /admin/business/:id returns for conversation design, beside the fields of BusinessConfig. */
interface DesignConfig extends BusinessConfig {
  intents: { name: string; description?: string; examples: string[] }[];
  profiles: Record<string, { systemPrompt?: string; personality?: string; primaryGoal?: string }>;
  flows: unknown[];
  tests?: ConversationTest[];
}

const NAME = /^[a-z][a-z0-9_]{0,39}$/;
const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

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
