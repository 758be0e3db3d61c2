import { ApiError } from './api';
import { type Attrs, type Child, h, uid } from './dom';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

interface Slot {
  control: Control | HTMLElement;
  message: HTMLElement;
}

/**
 * The errors of one form. Every input registers the body path it edits; an API error's `fields` are shown beside
 * the input with the longest matching path (`ctaTree.book.url`, else `ctaTree.book`), anything else at the top.
 */
export class FormErrors {
  private readonly slots = new Map<string, Slot>();
  readonly summary = h('div', { class: 'form-error', role: 'alert', hidden: true });

  register(path: string, control: Control | HTMLElement, message: HTMLElement): void {
    this.slots.set(path, { control, message });
  }

  /** For forms that redraw their inputs: the old ones are gone, the new ones register again. */
  forgetFields(): void {
    this.slots.clear();
  }

  clear(): void {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const { control, message } of this.slots.values()) {
      control.removeAttribute('aria-invalid');
      message.replaceChildren();
      message.hidden = true;
    }
  }

  /** Shows an error from the API (or a thrown one); returns true when it was shown. */
  show(error: unknown): void {
    this.clear();
    const problems =
      error instanceof ApiError && error.fields.length
        ? error.fields
        : [{ path: '', message: error instanceof Error ? error.message : String(error) }];
    const unplaced: string[] = [];
    let first: HTMLElement | undefined;
    for (const problem of problems) {
      const slot = this.slotFor(problem.path);
      if (!slot) {
        unplaced.push(problem.message);
        continue;
      }
      slot.control.setAttribute('aria-invalid', 'true');
      slot.message.hidden = false;
      slot.message.appendChild(h('span', null, problem.message));
      first ??= slot.control;
    }
    if (unplaced.length) {
      const code = error instanceof ApiError && error.code ? ` (${error.code})` : '';
      this.summary.hidden = false;
      this.summary.replaceChildren(...unplaced.map((m, i) => h('p', null, i === 0 ? `${m}${code}` : m)));
    }
    if (first && !unplaced.length) first.focus();
  }

  /** Client-side checks use the same slots as the API's errors. */
  showProblems(problems: readonly { path: string; message: string }[]): void {
    this.show(new ApiError(400, problems.map((p) => p.message).join('; '), undefined, problems, undefined));
  }

  /** `rules.greet.then[1]` falls back to `rules.greet.then`, then `rules.greet`, then `rules`. */
  private slotFor(path: string): Slot | undefined {
    for (let p = path; p; p = parentPath(p)) {
      const slot = this.slots.get(p);
      if (slot) return slot;
    }
    return undefined;
  }
}

function parentPath(path: string): string {
  if (/\[\d+\]$/.test(path)) return path.replace(/\[\d+\]$/, '');
  return path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
}

interface FieldOptions {
  path: string;
  label: string;
  type?: 'text' | 'email' | 'url' | 'number' | 'password' | 'color' | 'tel' | 'search' | 'file' | 'date';
  value?: string | number | null;
  help?: string;
  attrs?: Attrs;
}

/** A labelled input with its help text and error slot, both tied to it by aria-describedby. */
export function inputField(errors: FormErrors, o: FieldOptions): { row: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: o.type ?? 'text', name: o.path, value: o.value ?? '', ...o.attrs });
  return { row: wrap(errors, o, input), input };
}

export function textareaField(
  errors: FormErrors,
  o: Omit<FieldOptions, 'type'> & { rows?: number },
): { row: HTMLElement; input: HTMLTextAreaElement } {
  const input = h('textarea', { name: o.path, rows: o.rows ?? 3, ...o.attrs });
  input.value = o.value == null ? '' : String(o.value);
  return { row: wrap(errors, o, input), input };
}

export function selectField(
  errors: FormErrors,
  o: Omit<FieldOptions, 'type'> & { options: readonly (string | [value: string, label: string])[] },
): { row: HTMLElement; input: HTMLSelectElement } {
  const input = h(
    'select',
    { name: o.path, ...o.attrs },
    o.options.map((opt) => {
      const [value, label] = typeof opt === 'string' ? [opt, opt] : opt;
      return h('option', { value }, label);
    }),
  );
  input.value = o.value == null ? '' : String(o.value);
  return { row: wrap(errors, o, input), input };
}

export function checkboxField(
  errors: FormErrors,
  o: Omit<FieldOptions, 'type' | 'value'> & { checked: boolean },
): { row: HTMLElement; input: HTMLInputElement } {
  const id = uid('f');
  const input = h('input', { type: 'checkbox', id, name: o.path, checked: o.checked, ...o.attrs });
  const message = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  const help = o.help ? h('p', { class: 'help', id: `${id}-help` }, o.help) : null;
  input.setAttribute('aria-describedby', [help ? `${id}-help` : '', `${id}-err`].filter(Boolean).join(' '));
  errors.register(o.path, input, message);
  return { row: h('div', { class: 'field check' }, input, h('label', { for: id }, o.label), help, message), input };
}

function wrap(errors: FormErrors, o: { path: string; label: string; help?: string }, control: Control): HTMLElement {
  const id = uid('f');
  control.id = id;
  const message = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  const help = o.help ? h('p', { class: 'help', id: `${id}-help` }, o.help) : null;
  control.setAttribute('aria-describedby', [help ? `${id}-help` : '', `${id}-err`].filter(Boolean).join(' '));
  errors.register(o.path, control, message);
  return h('div', { class: 'field' }, h('label', { for: id }, o.label), control, help, message);
}

/** A form whose submit runs `action` with the busy state, status line and errors handled. */
export function actionForm(
  errors: FormErrors,
  options: { label: string; busyLabel?: string; action: () => Promise<string | void>; class?: string },
  ...fields: Child[]
): HTMLFormElement {
  const submit = h('button', { type: 'submit', class: 'primary' }, options.label);
  const status = h('span', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: options.class ?? 'stack', novalidate: true },
    errors.summary,
    ...fields,
    h('div', { class: 'actions' }, submit, status),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    status.textContent = options.busyLabel ?? 'Working…';
    submit.disabled = true;
    options.action().then(
      (done) => {
        status.textContent = done ?? '';
        submit.disabled = false;
      },
      (error: unknown) => {
        status.textContent = '';
        submit.disabled = false;
        errors.show(error);
      },
    );
  });
  return form;
}

export const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
