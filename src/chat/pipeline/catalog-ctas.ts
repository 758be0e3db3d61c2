import type { CatalogItem } from 'src/tenant/catalog';
import { catalogButton, type CtaNode, type CtaTree } from 'src/tenant/cta-tree';

/** The parent part of a suggested item's button id (`catalog:<item id>`): it belongs to no node of the tree. */
export const SUGGESTION_PARENT = 'catalog';
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
