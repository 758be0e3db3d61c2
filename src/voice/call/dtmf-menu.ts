import type { CatalogItem } from 'src/tenant/catalog';
import { CtaNode, CtaTree, entryCtas, expandCatalogNode } from 'src/tenant/cta-tree';

export type MenuAction =
  | { kind: 'announce'; prompt: string; ctaId: string | null }
  | { kind: 'request'; text: string; ctaId: string }
  | { kind: 'ignore' };

const optionsSentence = (nodes: readonly CtaNode[]) =>
  nodes
    .slice(0, 9)
    .map((n, i) => `press ${i + 1} for ${n.label}`)
    .join(', ');

/** The keypad options as a sentence to speak after a fixed line: "Press 1 for Book a visit, press 2 for Prices." */
export function keypadSentence(nodes: readonly CtaNode[]): string {
  const options = optionsSentence(nodes);
  return options ? `${options.charAt(0).toUpperCase()}${options.slice(1)}.` : '';
}

/**
 * The tenant's CTA tree as a keypad menu: 1–9 pick a child of the current node, 0 or * go back to the top,
 * # repeats. A flow state or rule may offer its own CTAs instead (`offer`), until the next offer or 0/*. The result
 * is an instruction for the model to speak, or the caller's request to answer.
 */
export class DtmfMenu {
  private current: string | null = null;
  private offered: CtaNode[] | null = null;
  /** Whether a conditional node's `when` holds; until a caller turn is read nothing is known, so none does. */
  private holds: (node: CtaNode) => boolean = () => false;

  constructor(
    private readonly tree: CtaTree,
    private readonly catalog: readonly CatalogItem[] = [],
  ) {}

  /** Conditional nodes are listed while `holds` says their `when` is true (the latest caller turn's context). */
  showWhen(holds: (node: CtaNode) => boolean): void {
    this.holds = holds;
  }

  /** The options 1–9 now stand for these CTAs (a flow state's or a rule's); an empty list restores the tree. */
  offer(ids: readonly string[]): CtaNode[] {
    const nodes = this.listed(ids.map((id) => this.tree[id]));
    this.offered = nodes.length ? nodes : null;
    return nodes;
  }

  private children(): CtaNode[] {
    if (this.offered) return this.offered;
    if (this.current === null) return this.listed(entryCtas(this.tree));
    return this.listed((this.tree[this.current]?.children ?? []).map((id) => this.tree[id]));
  }

  /** As chat shows them: conditional nodes only when their `when` holds, catalog nodes as their items; 9 keys. */
  private listed(nodes: readonly (CtaNode | undefined)[]): CtaNode[] {
    return nodes
      .filter((n): n is CtaNode => !!n && (n.when === undefined || this.holds(n)))
      .flatMap((n) => (n.source === 'catalog' ? expandCatalogNode(n, this.catalog) : [n]))
      .slice(0, 9);
  }

  press(digit: string): MenuAction {
    if (!Object.keys(this.tree).length) return { kind: 'ignore' };
    if (digit === '0' || digit === '*') {
      this.current = null;
      this.offered = null;
    }
    if (digit === '0' || digit === '*' || digit === '#') return this.announce('The caller asked for the keypad menu.');
    const node = this.children()[Number(digit) - 1];
    if (!node) return this.announce(`The caller pressed ${digit}, which is not an option.`);
    switch (node.action) {
      case 'show_children':
        this.current = node.id;
        this.offered = null;
        return this.announce(
          `The caller chose "${node.label}".${node.message ? ` Say: ${node.message}` : ''}`,
          node.id,
        );
      case 'send':
        return { kind: 'request', text: node.message?.trim() || node.label, ctaId: node.id };
      case 'link':
      case 'redirect':
        return {
          kind: 'announce',
          prompt: `The caller chose "${node.label}". Tell them they can find it at ${node.url ?? 'our website'}, reading the address aloud slowly.`,
          ctaId: node.id,
        };
    }
  }

  private announce(lead: string, ctaId: string | null = this.current): MenuAction {
    const options = this.children();
    const list = options.length
      ? ` Read these keypad options to the caller: ${optionsSentence(options)}; press 0 to go back.`
      : '';
    return { kind: 'announce', prompt: `${lead}${list}`, ctaId };
  }
}
