import { type CtaNodeConfig, loadBusiness } from '../business-config';
import { button, card, h } from '../dom';
import { FormErrors, inputField, selectField, textareaField } from '../form';
import type { ConsolePage } from '../page';

type Action = CtaNodeConfig['action'];

/** The editor's model: a nested tree, flattened to the API's id → node map on save. */
interface EditNode {
  id: string;
  /** Generated from the label until the id is edited by hand. */
  autoId: boolean;
  label: string;
  action: Action;
  message: string;
  url: string;
  children: EditNode[];
  /** What this page does not edit (a `when`, a catalog source and tag), written back as it came. */
  kept?: Pick<CtaNodeConfig, 'when' | 'source' | 'tag'>;
}

const MENU_ID = 'main_menu';
const ACTIONS: [Action, string][] = [
  ['send', 'Send a message'],
  ['show_children', 'Show more buttons'],
  ['link', 'Open a link in a new tab'],
  ['redirect', 'Go to a page'],
];
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const ctaPage: ConsolePage = {
  id: 'cta',
  title: 'Conversation buttons',
  scope: 'business',
  async render(ctx) {
    const config = await loadBusiness(ctx.api, ctx.businessId);
    const roots = toNested(config.ctaTree);
    const menuLabel = config.ctaTree[MENU_ID]?.label ?? 'Main menu';
    const errors = new FormErrors();
    const list = h('ol', { class: 'cta-tree', 'aria-label': 'Buttons' });
    const status = h('span', { class: 'status', role: 'status' });
    /** After a structural change, focus returns to the same control of the node that moved. */
    let focusAfter: { id: string; control: string } | null = null;

    const draw = () => {
      errors.clear();
      errors.forgetFields();
      list.replaceChildren(...roots.map((n, i) => drawNode(n, roots, i, 0)));
      if (focusAfter) {
        const within = `[data-node="${CSS.escape(focusAfter.id)}"] > fieldset`;
        const target = list.querySelector<HTMLInputElement>(`${within} [data-control="${focusAfter.control}"]`);
        // A button that just became disabled (moved to the top) cannot hold focus: the node's label takes it.
        const usable =
          target && !target.disabled ? target : list.querySelector<HTMLElement>(`${within} [data-control="label"]`);
        (usable ?? list.querySelector<HTMLElement>('input'))?.focus();
        focusAfter = null;
      }
    };

    type Focus = { id: string; control: string };
    const structural = (node: EditNode, control: string, change: () => Focus | void) => () => {
      focusAfter = change() ?? { id: node.id, control };
      draw();
      status.textContent = 'Not saved yet.';
    };

    const drawNode = (node: EditNode, siblings: EditNode[], index: number, depth: number): HTMLElement => {
      const path = `ctaTree.${node.id}`;
      const label = inputField(errors, {
        path: `${path}.label`,
        label: 'Label',
        value: node.label,
        attrs: { 'data-control': 'label' },
      });
      const id = inputField(errors, {
        path: `${path}.id`,
        label: 'Id',
        value: node.id,
        help: 'What the widget sends as cta_id when clicked.',
        attrs: { autocomplete: 'off', spellcheck: 'false' },
      });
      const action = selectField(errors, {
        path: `${path}.action`,
        label: 'When clicked',
        value: node.action,
        options: ACTIONS,
      });
      const message = textareaField(errors, {
        path: `${path}.message`,
        label: 'Message sent for the visitor',
        value: node.message,
        help: 'Empty: the label is sent.',
        rows: 2,
      });
      const url = inputField(errors, { path: `${path}.url`, label: 'URL', type: 'url', value: node.url });
      const childrenSlot = h('p', { class: 'field-error', hidden: true });
      errors.register(`${path}.children`, action.input, childrenSlot);
      const nodeSlot = h('p', { class: 'field-error', hidden: true });
      errors.register(path, label.input, nodeSlot);
      const showFor = () => {
        message.row.hidden = action.input.value !== 'send';
        url.row.hidden = !['link', 'redirect'].includes(action.input.value);
      };
      showFor();
      label.input.addEventListener('input', () => {
        node.label = label.input.value;
        if (node.autoId) {
          node.id = uniqueId(slug(node.label) || 'button', roots, node);
          id.input.value = node.id;
        }
        legend.textContent = node.label || 'New button';
      });
      id.input.addEventListener('input', () => {
        node.id = id.input.value.trim();
        node.autoId = false;
      });
      action.input.addEventListener('change', () => {
        node.action = action.input.value as Action;
        showFor();
      });
      message.input.addEventListener('input', () => (node.message = message.input.value));
      url.input.addEventListener('input', () => (node.url = url.input.value.trim()));

      const name = node.label || 'new button';
      const legend = h('span', null, node.label || 'New button');
      const tools = h(
        'div',
        { class: 'cta-tools', role: 'group', 'aria-label': `Arrange “${name}”` },
        button(
          'Add button inside',
          structural(node, 'label', () => {
            const child = newNode(roots);
            node.children.push(child);
            node.action = 'show_children';
            return { id: child.id, control: 'label' };
          }),
          { 'aria-label': `Add a button inside “${name}”`, 'data-control': 'add' },
        ),
        button(
          'Move up',
          structural(node, 'up', () => swap(siblings, index, index - 1)),
          { disabled: index === 0, 'aria-label': `Move “${name}” up`, 'data-control': 'up' },
        ),
        button(
          'Move down',
          structural(node, 'down', () => swap(siblings, index, index + 1)),
          { disabled: index === siblings.length - 1, 'aria-label': `Move “${name}” down`, 'data-control': 'down' },
        ),
        button(
          'Nest',
          structural(node, 'nest', () => {
            const parent = siblings[index - 1];
            siblings.splice(index, 1);
            parent.children.push(node);
            parent.action = 'show_children';
          }),
          { disabled: index === 0, 'aria-label': `Nest “${name}” under the button above it`, 'data-control': 'nest' },
        ),
        button(
          'Unnest',
          structural(node, 'unnest', () => {
            const parent = parentOf(roots, node)!;
            const grand = parentOf(roots, parent);
            const outer = grand ? grand.children : roots;
            parent.children.splice(parent.children.indexOf(node), 1);
            outer.splice(outer.indexOf(parent) + 1, 0, node);
          }),
          { disabled: depth === 0, 'aria-label': `Move “${name}” out one level`, 'data-control': 'unnest' },
        ),
        button(
          'Remove',
          structural(node, 'label', () => {
            siblings.splice(index, 1);
            const next = siblings[index] ?? siblings[index - 1];
            return next ? { id: next.id, control: 'label' } : undefined;
          }),
          {
            class: 'danger-link',
            'aria-label': `Remove “${name}” and the buttons inside it`,
            'data-control': 'remove',
          },
        ),
      );
      return h(
        'li',
        { 'data-node': node.id },
        h(
          'fieldset',
          { class: 'cta-node' },
          h('legend', null, legend),
          nodeSlot,
          h('div', { class: 'cta-fields' }, label.row, action.row, id.row, message.row, url.row),
          childrenSlot,
          tools,
        ),
        node.children.length
          ? h(
              'ol',
              null,
              node.children.map((c, i) => drawNode(c, node.children, i, depth + 1)),
            )
          : null,
      );
    };

    const addTop = button('Add a top-level button', () => {
      const node = newNode(roots);
      roots.push(node);
      focusAfter = { id: node.id, control: 'label' };
      draw();
    });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save buttons');
    const form = h(
      'form',
      { class: 'stack', novalidate: true },
      errors.summary,
      list,
      h('div', { class: 'actions' }, addTop, save, status),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // Ids may have followed their labels since the last drawing: error slots are registered under the current ones.
      draw();
      const problems = checkTree(roots);
      if (problems.length) {
        errors.showProblems(problems);
        status.textContent = '';
        return;
      }
      save.disabled = true;
      status.textContent = 'Saving…';
      ctx.api
        .post<{ config: { version: number } }>('/admin/business', {
          businessId: ctx.businessId,
          ctaTree: toFlat(roots, menuLabel),
        })
        .then(
          ({ config: saved }) => {
            status.textContent = `Saved: version ${saved.version}.`;
            save.disabled = false;
          },
          (error: unknown) => {
            status.textContent = '';
            save.disabled = false;
            errors.show(error);
          },
        );
    });
    draw();
    return card(
      'Buttons shown in the chat',
      h(
        'p',
        { class: 'help' },
        'The top-level buttons are offered when a conversation starts. A button that shows more buttons opens the ones nested inside it. Use the arrange buttons (or the keyboard) to reorder and nest.',
      ),
      form,
    );
  },
};

function newNode(roots: EditNode[]): EditNode {
  return { id: uniqueId('button', roots), autoId: true, label: '', action: 'send', message: '', url: '', children: [] };
}

function swap<T>(list: T[], a: number, b: number): void {
  [list[a], list[b]] = [list[b], list[a]];
}

function parentOf(nodes: EditNode[], target: EditNode): EditNode | undefined {
  for (const n of nodes) {
    if (n.children.includes(target)) return n;
    const deeper = parentOf(n.children, target);
    if (deeper) return deeper;
  }
  return undefined;
}

function* walk(nodes: EditNode[]): Generator<EditNode> {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}

const slug = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48);

function uniqueId(base: string, roots: EditNode[], self?: EditNode): string {
  const taken = new Set([...walk(roots)].filter((n) => n !== self).map((n) => n.id));
  taken.add(MENU_ID);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * The stored map to the editor's tree. The top level is main_menu's children when there is one (the widget's entry
 * buttons), then any node nobody points to; a node shared by two parents appears under each.
 */
function toNested(tree: Record<string, CtaNodeConfig>): EditNode[] {
  const build = (id: string, path: Set<string>): EditNode | null => {
    const n = tree[id];
    if (!n || path.has(id)) return null;
    const inner = new Set(path).add(id);
    return {
      id,
      autoId: false,
      label: n.label,
      action: n.action,
      message: n.message ?? '',
      url: n.url ?? '',
      children: (n.children ?? []).map((c) => build(c, inner)).filter((c): c is EditNode => !!c),
      kept: {
        ...(n.when !== undefined ? { when: n.when } : {}),
        ...(n.source ? { source: n.source, tag: n.tag } : {}),
      },
    };
  };
  const childIds = new Set(Object.values(tree).flatMap((n) => n.children ?? []));
  const top = [...(tree[MENU_ID]?.children ?? [])];
  for (const id of Object.keys(tree)) if (id !== MENU_ID && !childIds.has(id) && !top.includes(id)) top.push(id);
  return top.map((id) => build(id, new Set())).filter((n): n is EditNode => !!n);
}

/** The editor's tree to the API's map, with main_menu listing the top level in its order. */
function toFlat(roots: EditNode[], menuLabel: string): Record<string, CtaNodeConfig> {
  if (!roots.length) return {};
  const out: Record<string, CtaNodeConfig> = {
    [MENU_ID]: { id: MENU_ID, label: menuLabel, action: 'show_children', children: roots.map((n) => n.id) },
  };
  for (const n of walk(roots)) {
    const node: CtaNodeConfig = { id: n.id, label: n.label.trim(), action: n.action, ...n.kept };
    if (n.action === 'show_children') node.children = n.children.map((c) => c.id);
    if (n.action === 'send' && n.message.trim()) node.message = n.message.trim();
    if (n.action === 'link' || n.action === 'redirect') node.url = n.url;
    out[n.id] = node;
  }
  return out;
}

/** The checks a visitor would otherwise find broken, shown where they apply before anything is sent. */
function checkTree(roots: EditNode[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const n of walk(roots)) {
    const at = (field: string, message: string) => problems.push({ path: `ctaTree.${n.id}.${field}`, message });
    if (!ID_PATTERN.test(n.id) || n.id === MENU_ID) at('id', 'Use letters, digits, - and _ (not main_menu).');
    else if (seen.has(n.id)) at('id', `Another button already has the id “${n.id}”.`);
    seen.add(n.id);
    if (!n.label.trim()) at('label', 'Give the button a label.');
    if ((n.action === 'link' || n.action === 'redirect') && !/^https?:\/\/\S+$/.test(n.url))
      at('url', 'Enter an http(s) URL.');
    if (n.action === 'show_children' && !n.children.length) at('action', 'Add at least one button inside it.');
    if (n.action !== 'show_children' && n.children.length)
      at('action', 'Only “Show more buttons” can have buttons inside; change it or remove them.');
  }
  return problems;
}
