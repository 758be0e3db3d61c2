import type { CatalogItem } from 'src/tenant/catalog';
import type { CtaNode, CtaTree } from 'src/tenant/cta-tree';

/** The parent part of a suggested item's button id (`catalog:<item id>`): it belongs to no node of the tree. */
export const SUGGESTION_PARENT = 'catalog';
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
 * The catalog button a clicked id names, with the tree node it was expanded from (null for a suggestion); null when
 * the id is not a catalog button of this business (unknown item, or an item without the node's tag).
 */
export function resolveCatalogCta(
  tree: CtaTree,
  catalog: readonly CatalogItem[],
  ctaId: string,
): { node: CtaNode; parent: string | null } | null {
  const cut = ctaId.lastIndexOf(':');
  if (cut <= 0) return null;
  const parentId = ctaId.slice(0, cut);
  const item = catalog.find((i) => i.id === ctaId.slice(cut + 1));
  if (!item) return null;
  const parent = Object.prototype.hasOwnProperty.call(tree, parentId) ? tree[parentId] : undefined;
  if (parent?.source === 'catalog')
    return parent.tag !== undefined && (item.tags ?? []).includes(parent.tag)
      ? { node: catalogButton(item, parent.id), parent: parent.id }
      : null;
  return parentId === SUGGESTION_PARENT ? { node: catalogButton(item, SUGGESTION_PARENT), parent: null } : null;
}
