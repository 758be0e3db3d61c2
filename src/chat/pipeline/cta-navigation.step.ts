import { ChatErrors } from 'src/chat/chat.errors';
import { resolveCatalogCta } from 'src/chat/pipeline/catalog-ctas';
import type { CatalogItem } from 'src/tenant/catalog';
import type { CtaNode, CtaTree } from 'src/tenant/cta-tree';

export type CtaOutcome =
  /** No button: the typed message goes on through the pipeline. */
  | { kind: 'none' }
  /** Answered from the tree alone, no model call. */
  | { kind: 'reply'; node: CtaNode; text: string; ctas: CtaNode[] }
  /** A `send` button: handled as if the user had typed its message. */
  | { kind: 'send'; node: CtaNode; message: string };

const DEFAULT_MENU_PROMPT = 'Please select an option:';

/**
 * Step 2. Resolves a clicked button against the tenant's tree, or its catalog for a button a catalog node expanded
 * into or a reply suggested (`<node>:<item>`, `catalog:<item>`). Unknown ids are a 400, raised before anything is
 * written, so the caller runs this before touching the session.
 */
export function navigateCta(
  tree: CtaTree,
  ctaId: string | undefined,
  catalog: readonly CatalogItem[] = [],
): CtaOutcome {
  if (ctaId === undefined) return { kind: 'none' };
  const node = Object.prototype.hasOwnProperty.call(tree, ctaId)
    ? tree[ctaId]
    : resolveCatalogCta(tree, catalog, ctaId)?.node;
  if (!node) throw ChatErrors.unknownCta(ctaId);
  switch (node.action) {
    case 'show_children': {
      const children = (node.children ?? []).map((id) => tree[id]).filter((n): n is CtaNode => !!n);
      return { kind: 'reply', node, text: node.message?.trim() || DEFAULT_MENU_PROMPT, ctas: children };
    }
    case 'send':
      return { kind: 'send', node, message: node.message?.trim() || node.label };
    case 'link':
    case 'redirect':
      // The widget opens the url itself; the server confirms and hands the button back so it can be re-clicked.
      return {
        kind: 'reply',
        node,
        text: node.message?.trim() || `You can continue here: ${node.label}.`,
        ctas: [node],
      };
  }
}
