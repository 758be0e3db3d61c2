import { Injectable } from '@nestjs/common';

import { type ChatCta, toChatCta } from 'src/chat/chat-turn.types';
import { resolveCatalogCta, SUGGESTION_PARENT } from 'src/chat/pipeline/catalog-ctas';
import { CatalogSuggestions } from 'src/chat/pipeline/catalog-suggestions';
import type { SessionState } from 'src/conversation/session-state';
import { RulesService } from 'src/rules/rules.service';
import type { TurnDecision } from 'src/rules/rules.types';
import { type CatalogItem, catalogOf } from 'src/tenant/catalog';
import { catalogButton, type CtaNode, type CtaTree, entryCtas, expandCatalogNode } from 'src/tenant/cta-tree';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { buildTurnContext, type TurnContext } from 'src/understanding/turn-context';

/** What a reply's path knows about its buttons; everything is optional, since guards and clicks know little. */
export interface CtaSources {
  /** Chosen by a guard or a click; `[]` means no buttons at all (a hand-off). */
  ctas?: readonly CtaNode[];
  decision?: Pick<TurnDecision, 'showCtas' | 'hideCtas'>;
  /** The turn context the `when`s read; a menu click has none of its own (see `clickContext`). */
  context?: TurnContext;
  suggestions?: readonly CatalogItem[];
}

/**
 * The chat runner's one entry to CTA selection: which buttons a reply gets, which catalog items a model reply
 * suggests, and where the open menu moves when a button is clicked.
 */
@Injectable()
export class CtaSelection {
  constructor(
    private readonly rules: RulesService,
    private readonly catalog: CatalogSuggestions,
  ) {}

  select(business: TenantConfig, state: SessionState, sources: CtaSources, clickedId?: string): ChatCta[] {
    const context = sources.context ?? clickContext(state, business.timezone, clickedId);
    return selectCtas({
      tree: business.ctaTree ?? {},
      catalog: catalogOf(business.catalog),
      currentCtaId: state.conversation.currentCtaId,
      showCtas: sources.decision?.showCtas,
      hideCtas: sources.decision?.hideCtas,
      chosen: sources.ctas,
      suggestions: sources.suggestions,
      holds: (condition) => this.rules.holds(condition, context),
    });
  }

  suggest(business: TenantConfig, context: TurnContext): CatalogItem[] {
    return this.catalog.suggest(business, context.message);
  }

  /** Moves the session's open menu after a click (see `menuAfterClick`). */
  follow(business: TenantConfig, state: SessionState, clickedId: string): void {
    state.conversation.currentCtaId = menuAfterClick(
      business.ctaTree ?? {},
      catalogOf(business.catalog),
      state.conversation.currentCtaId,
      clickedId,
    );
  }
}

/**
 * A menu click carries no words, so nothing was classified: its context has intent `other` and neutral sentiment,
 * with everything the session knows (metadata, captured fields, tags, flow, time) as on any turn.
 */
function clickContext(state: SessionState, timezone: string, clickedId: string | undefined): TurnContext {
  const context = buildTurnContext({
    message: '',
    state,
    ctaId: clickedId,
    understanding: {
      intent: { name: 'other', confidence: 0, source: 'offline' },
      sentiment: { label: 'neutral', score: 0 },
    },
    timezone,
  });
  context.flow = state.conversation.flow?.flow ?? null;
  context.state = state.conversation.flow?.state ?? null;
  return context;
}

export interface CtaSelectionInput {
  tree: CtaTree;
  catalog: readonly CatalogItem[];
  /** The open menu: the show_children node whose children are on screen (session `currentCtaId`). */
  currentCtaId: string | null;
  /** Buttons of the fired rules' showCtas, then of the flow state (in that order, as the rules module merges them). */
  showCtas?: readonly string[];
  /** Ids no fired rule wants shown this turn, whatever their source. */
  hideCtas?: readonly string[];
  /** Chosen by a guard (booking link, greeting) or a click (a menu's children); `[]` means no buttons at all. */
  chosen?: readonly CtaNode[];
  /** Catalog items the model path found relevant to the question. */
  suggestions?: readonly CatalogItem[];
  /** A node's `when` over this turn's context (JsonLogic, evaluated by the rules module). */
  holds: (condition: unknown) => boolean;
}

/**
 * Step 9. The buttons under a reply, by priority: the turn's own (rule actions, then the flow state, then what a
 * guard or click chose), else the open menu (the current node's children), else the root (`entryCtas`). Catalog
 * items suggested for the question come first when there is no turn's own, after it otherwise. Every node is shown
 * only when its `when` holds and no rule hides it; a catalog node expands into its items. A reply never gets the root
 * just because it contains a question mark.
 */
export function selectCtas(input: CtaSelectionInput): ChatCta[] {
  const { tree, catalog } = input;
  if (input.chosen?.length === 0 && !input.showCtas?.length) return [];
  const hidden = new Set(input.hideCtas ?? []);
  const shown = (node: CtaNode) => !hidden.has(node.id) && (node.when === undefined || input.holds(node.when));
  const expand = (nodes: readonly CtaNode[]): CtaNode[] =>
    nodes
      .filter(shown)
      .flatMap((node) => (node.source === 'catalog' ? expandCatalogNode(node, catalog) : [node]))
      .filter((node) => !hidden.has(node.id));
  const suggested = (input.suggestions ?? []).map((item) => catalogButton(item, SUGGESTION_PARENT));
  const own = expand([...nodesOf(tree, input.showCtas ?? []), ...(input.chosen ?? [])]);
  if (own.length) return distinct(tree, catalog, [...own, ...suggested]).map(toChatCta);
  const open = expand(input.currentCtaId ? menuOf(tree, input.currentCtaId) : []);
  const menu = open.length ? open : expand(entryCtas(tree));
  return distinct(tree, catalog, [...suggested, ...menu]).map(toChatCta);
}

/**
 * The open menu after a click: a show_children node opens its children; a click inside the open menu's subtree
 * (a child, a grandchild, an item a catalog child expanded into, a suggested catalog item) keeps it open; any other
 * button of the tree (a rule's, the root's) leaves it. Typed messages keep it too; an intro token ("menu", "hi",
 * "start over") starts the conversation over at the root.
 */
export function menuAfterClick(
  tree: CtaTree,
  catalog: readonly CatalogItem[],
  currentCtaId: string | null,
  clickedId: string,
): string | null {
  const own = Object.prototype.hasOwnProperty.call(tree, clickedId) ? tree[clickedId] : undefined;
  if (own?.action === 'show_children') return own.id;
  if (!currentCtaId || !menuOf(tree, currentCtaId).length) return null;
  if (own) return inSubtree(tree, currentCtaId, own.id) ? currentCtaId : null;
  const item = resolveCatalogCta(tree, catalog, clickedId);
  if (!item) return null;
  return item.parent === null || inSubtree(tree, currentCtaId, item.parent) ? currentCtaId : null;
}

function menuOf(tree: CtaTree, id: string): CtaNode[] {
  const node = Object.prototype.hasOwnProperty.call(tree, id) ? tree[id] : undefined;
  return node?.action === 'show_children' ? nodesOf(tree, node.children ?? []) : [];
}

function nodesOf(tree: CtaTree, ids: readonly string[]): CtaNode[] {
  return ids.map((id) => (Object.prototype.hasOwnProperty.call(tree, id) ? tree[id] : undefined)).filter(isNode);
}

function isNode(node: CtaNode | undefined): node is CtaNode {
  return !!node;
}

/** Below `root` (the tree is acyclic, validated on save; the visited set guards anything stored before that). */
function inSubtree(tree: CtaTree, root: string, id: string): boolean {
  const seen = new Set<string>();
  const stack = [...(tree[root]?.children ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (next === id) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(tree[next]?.children ?? []));
  }
  return false;
}

/** One button per id, and one per catalog item (a suggestion of an item a catalog node already shows is dropped). */
function distinct(tree: CtaTree, catalog: readonly CatalogItem[], nodes: CtaNode[]): CtaNode[] {
  const seen = new Set<string>();
  return nodes.filter((node) => {
    const inTree = Object.prototype.hasOwnProperty.call(tree, node.id);
    const item = inTree ? null : resolveCatalogCta(tree, catalog, node.id);
    const key = item ? `item:${node.id.slice(node.id.lastIndexOf(':') + 1)}` : `node:${node.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
