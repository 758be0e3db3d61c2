import { button, card, type Child, h } from './dom';
import { type FormErrors, textareaField } from './form';

/**
 * The conversation design editors' building blocks: a list of item cards (intents, rules, …) whose inputs register
 * under the paths the API names them by, and JSON editors that say where their text stops parsing.
 */
export interface Problem {
  path: string;
  message: string;
}

/** An input or textarea with the error slot `inputField`/`textareaField` put beside it. */
export interface Field<C extends HTMLElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement> {
  row: HTMLElement;
  input: C;
}

/**
 * One editable item of a list (an intent, a profile, a rule, a flow). Its error paths depend on what is typed (a
 * rule's problems are `rules.<id>.when`), so it registers its inputs again before every save.
 */
export interface Item<V> {
  el: HTMLElement;
  value(): V;
  /** Registers each input under the paths the API names it by, given the item's place in the saved array. */
  register(errors: FormErrors, index: number): void;
  /** What the browser can tell before sending: names, required fields, JSON that does not parse. */
  problems(index: number): Problem[];
}

const messageOf = (f: Field) => f.row.querySelector<HTMLElement>('.field-error')!;
export const reg = (errors: FormErrors, paths: readonly string[], f: Field) => {
  for (const p of paths) errors.register(p, f.input, messageOf(f));
};

/** A list of item cards with "Add" and per-item "Remove" (and, where order matters, "Move up"). */
export class ItemList<V> {
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
export function itemCard(noun: string, nameInput: HTMLInputElement, tools: HTMLElement, ...rows: Child[]): HTMLElement {
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

export function jsonField(
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
export function parseJson(f: Field<HTMLTextAreaElement>, path: string, problems: Problem[]): unknown {
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

export const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};
