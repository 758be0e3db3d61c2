import type { FieldProblem } from 'src/common/errors/app-error';
import { CATALOG_TAG, type CatalogItem } from 'src/tenant/catalog';

export const CTA_ACTIONS = ['show_children', 'send', 'link', 'redirect'] as const;
export type CtaAction = (typeof CTA_ACTIONS)[number];

export interface CtaNode {
  id: string;
  label: string;
  action: CtaAction;
  children?: readonly string[];
  url?: string;
  message?: string;
  /** JsonLogic over the turn context: the node is shown only when it holds (validated by the rules module). */
  when?: unknown;
  /** A dynamic node: expands into one button per catalog item carrying `tag` (see src/tenant/catalog.ts). */
  source?: 'catalog';
  tag?: string;
}

/** Flat map id → node; children reference other ids. */
export type CtaTree = Record<string, CtaNode>;

const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Returns one message per problem, each naming the node; empty when the tree is valid. */
export function validateCtaTree(tree: unknown): string[] {
  return ctaTreeProblems(tree).map((p) => p.message);
}

/** The same problems, each with the path of the node field it is about (`ctaTree.<id>.url`), for forms. */
export function ctaTreeProblems(tree: unknown): FieldProblem[] {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree))
    return [{ path: 'ctaTree', message: 'ctaTree must be an object of id → node' }];
  const nodes = tree as Record<string, Partial<CtaNode> | null>;
  const errors: FieldProblem[] = [];
  const problem = (key: string, field: string | undefined, message: string) =>
    errors.push({ path: field ? `ctaTree.${key}.${field}` : `ctaTree.${key}`, message });
  for (const [key, node] of Object.entries(nodes)) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) {
      problem(key, undefined, `ctaTree node "${key}" must be an object`);
      continue;
    }
    if (node.id !== undefined && node.id !== key)
      problem(key, 'id', `ctaTree node "${key}" has id "${String(node.id)}"; they must match`);
    if (typeof node.label !== 'string' || !node.label.trim())
      problem(key, 'label', `ctaTree node "${key}" needs a non-empty label`);
    if (!CTA_ACTIONS.includes(node.action as CtaAction)) {
      problem(
        key,
        'action',
        `ctaTree node "${key}" has unknown action "${String(node.action)}" (expected ${CTA_ACTIONS.join(', ')})`,
      );
    }
    if ((node.action === 'link' || node.action === 'redirect') && !isHttpUrl(node.url)) {
      problem(key, 'url', `ctaTree node "${key}" (${node.action}) needs an http(s) url`);
    }
    if (node.url !== undefined && node.url !== null && !isHttpUrl(node.url))
      problem(key, 'url', `ctaTree node "${key}" has a url that is not http(s)`);
    if (node.message !== undefined && typeof node.message !== 'string')
      problem(key, 'message', `ctaTree node "${key}" message must be a string`);
    if (node.action === 'send' && (typeof node.message !== 'string' || !node.message.trim()) && !node.label) {
      problem(key, 'message', `ctaTree node "${key}" (send) needs a message`);
    }
    if (node.children !== undefined) {
      if (!Array.isArray(node.children) || node.children.some((c) => typeof c !== 'string')) {
        problem(key, 'children', `ctaTree node "${key}" children must be an array of node ids`);
        continue;
      }
      for (const child of node.children) {
        if (!(child in nodes))
          problem(key, 'children', `ctaTree node "${key}" has child "${child}" that does not exist`);
      }
    }
    if (node.source !== undefined) {
      if (node.source !== 'catalog') problem(key, 'source', `ctaTree node "${key}" source must be "catalog"`);
      else if (node.action !== 'send')
        problem(key, 'source', `ctaTree node "${key}" (source catalog) must have action "send"`);
      if (typeof node.tag !== 'string' || !CATALOG_TAG.test(node.tag))
        problem(key, 'tag', `ctaTree node "${key}" (source catalog) needs a tag matching ${CATALOG_TAG.source}`);
      if (node.children?.length) problem(key, 'children', `ctaTree node "${key}" (source catalog) has no children`);
    } else if (node.tag !== undefined) problem(key, 'tag', `ctaTree node "${key}" has a tag but no source "catalog"`);
    if (node.action === 'show_children' && (!Array.isArray(node.children) || node.children.length === 0)) {
      problem(key, 'children', `ctaTree node "${key}" (show_children) needs at least one child`);
    }
  }
  if (errors.length === 0) {
    const cycle = findCycle(nodes as CtaTree);
    if (cycle) problem(cycle[0], 'children', `ctaTree has a cycle: ${cycle.join(' → ')}`);
  }
  return errors;
}

function findCycle(tree: CtaTree): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const child of tree[id]?.children ?? []) {
      const found = visit(child);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(tree)) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** Fills each node's id from its key, so the stored tree is self-describing. */
export function normalizeCtaTree(tree: CtaTree): CtaTree {
  return Object.fromEntries(Object.entries(tree).map(([key, node]) => [key, { ...node, id: key }]));
}

/** Entry buttons: children of `main_menu`, else the root show_children nodes (roots are nobody's child). */
export function entryCtas(tree: CtaTree): CtaNode[] {
  const main = tree.main_menu;
  if (main?.children?.length) return main.children.map((id) => tree[id]).filter((n): n is CtaNode => !!n);
  const childIds = new Set(Object.values(tree).flatMap((n) => n.children ?? []));
  return Object.values(tree).filter((n) => !childIds.has(n.id) && n.action === 'show_children');
}

/** One catalog node shows at most this many buttons, so a broad tag cannot bury the reply under hundreds of them. */
export const MAX_EXPANDED_ITEMS = 10;

/**
 * A catalog item as a button. Its id is `<parent>:<item id>` (parent = the catalog node, or `catalog` for a model
 * suggestion), so a click on it can be resolved again without any state: item ids never contain a colon.
 */
export function catalogButton(item: CatalogItem, parent: string): CtaNode {
  const base = { id: `${parent}:${item.id}`, label: item.name };
  return item.url ? { ...base, action: 'link', url: item.url } : { ...base, action: 'send', message: item.name };
}

/** The buttons a `{"source":"catalog","tag":…}` node stands for, in catalog order. */
export function expandCatalogNode(node: CtaNode, catalog: readonly CatalogItem[]): CtaNode[] {
  return catalog
    .filter((item) => node.tag !== undefined && (item.tags ?? []).includes(node.tag))
    .slice(0, MAX_EXPANDED_ITEMS)
    .map((item) => catalogButton(item, node.id));
}

/**
 * The entry buttons a page can show before any conversation (public config): conditional nodes left out, since a
 * `when` needs a session to read, and catalog nodes expanded into their items.
 */
export function publicEntryCtas(tree: CtaTree, catalog: readonly CatalogItem[]): CtaNode[] {
  return entryCtas(tree)
    .filter((node) => node.when === undefined)
    .flatMap((node) => (node.source === 'catalog' ? expandCatalogNode(node, catalog) : [node]));
}
