import { CatalogSuggestions } from 'src/chat/pipeline/catalog-suggestions';
import { CtaSelection, type CtaSelectionInput, menuAfterClick, selectCtas } from 'src/chat/pipeline/cta-selection';
import { newSessionState } from 'src/conversation/session-state';
import { RulesService } from 'src/rules/rules.service';
import type { CatalogItem } from 'src/tenant/catalog';
import type { CtaTree } from 'src/tenant/cta-tree';
import type { TenantConfig } from 'src/tenant/tenant-config';
import { TenantLifecycle } from 'src/tenant/tenant-lifecycle';

const tree: CtaTree = {
  main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['sales', 'support', 'pro_line'] },
  sales: { id: 'sales', label: 'Sales', action: 'show_children', children: ['pricing', 'services', 'deep'] },
  pricing: { id: 'pricing', label: 'Pricing', action: 'send', message: 'How much?' },
  services: { id: 'services', label: 'Services', action: 'send', source: 'catalog', tag: 'services' },
  deep: { id: 'deep', label: 'More', action: 'show_children', children: ['faq'] },
  faq: { id: 'faq', label: 'FAQ', action: 'send', message: 'FAQ' },
  support: { id: 'support', label: 'Support', action: 'send', message: 'Help' },
  pro_line: {
    id: 'pro_line',
    label: 'Priority line',
    action: 'link',
    url: 'https://acme.example.com/pro',
    when: { '==': [{ var: 'metadata.plan' }, 'pro'] },
  },
  book: { id: 'book', label: 'Book', action: 'link', url: 'https://cal.example.com' },
};
const catalog: CatalogItem[] = [
  { id: 'drains', name: 'Drain cleaning', tags: ['services'] },
  { id: 'heaters', name: 'Water heaters', url: 'https://acme.example.com/heaters', tags: ['services'] },
  { id: 'tiles', name: 'Tiling', tags: ['remodel'] },
];
const never = () => false;
const input = (over: Partial<CtaSelectionInput> = {}): CtaSelectionInput => ({
  tree,
  catalog,
  currentCtaId: null,
  holds: never,
  ...over,
});
const ids = (over: Partial<CtaSelectionInput> = {}) => selectCtas(input(over)).map((c) => c.id);

describe(selectCtas.name, () => {
  it('offers the root when nothing more specific applies, whatever punctuation the reply has', () => {
    expect(ids()).toEqual(['sales', 'support']);
  });

  it('puts rule buttons before flow buttons before a guard choice, and replaces the menu with them', () => {
    expect(ids({ showCtas: ['book', 'pricing'], chosen: [tree.faq], currentCtaId: 'sales' })).toEqual([
      'book',
      'pricing',
      'faq',
    ]);
  });

  it('keeps the open menu (the current node children) instead of the root', () => {
    expect(ids({ currentCtaId: 'sales' })).toEqual(['pricing', 'services:drains', 'services:heaters', 'deep']);
  });

  it('falls back to the root when every child of the open menu is hidden or conditional', () => {
    expect(ids({ currentCtaId: 'deep', hideCtas: ['faq'] })).toEqual(['sales', 'support']);
  });

  it('shows a conditional node only while its when holds, wherever it comes from', () => {
    const pro = (when: unknown) => JSON.stringify(when).includes('"pro"');
    expect(ids({ holds: pro })).toEqual(['sales', 'support', 'pro_line']);
    expect(ids({ showCtas: ['pro_line'] })).toEqual(['sales', 'support']);
    expect(ids({ showCtas: ['pro_line'], holds: pro })).toEqual(['pro_line']);
  });

  it('removes ids a rule hides from every source, expanded catalog items included', () => {
    expect(ids({ hideCtas: ['support'] })).toEqual(['sales']);
    expect(ids({ currentCtaId: 'sales', hideCtas: ['services:drains', 'deep'] })).toEqual([
      'pricing',
      'services:heaters',
    ]);
  });

  it('expands a catalog node into link and send buttons without exposing its condition or tag', () => {
    expect(selectCtas(input({ showCtas: ['services'] }))).toEqual([
      { id: 'services:drains', label: 'Drain cleaning', action: 'send', message: 'Drain cleaning' },
      { id: 'services:heaters', label: 'Water heaters', action: 'link', url: 'https://acme.example.com/heaters' },
    ]);
  });

  it('puts suggested catalog items before the menu, after the turn own buttons, once per item', () => {
    expect(ids({ suggestions: [catalog[2]] })).toEqual(['catalog:tiles', 'sales', 'support']);
    expect(ids({ showCtas: ['book'], suggestions: [catalog[2]] })).toEqual(['book', 'catalog:tiles']);
    expect(ids({ currentCtaId: 'sales', suggestions: [catalog[0]] })).toEqual([
      'catalog:drains',
      'pricing',
      'services:heaters',
      'deep',
    ]);
  });

  it('shows nothing when the path chose no buttons at all (a hand-off)', () => {
    expect(ids({ chosen: [] })).toEqual([]);
  });
});

describe(menuAfterClick.name, () => {
  it('opens a show_children node', () => {
    expect(menuAfterClick(tree, catalog, null, 'sales')).toBe('sales');
    expect(menuAfterClick(tree, catalog, 'sales', 'deep')).toBe('deep');
  });

  it('keeps the menu open for a click inside its subtree, expanded and suggested catalog items included', () => {
    expect(menuAfterClick(tree, catalog, 'sales', 'pricing')).toBe('sales');
    expect(menuAfterClick(tree, catalog, 'sales', 'faq')).toBe('sales');
    expect(menuAfterClick(tree, catalog, 'sales', 'services:drains')).toBe('sales');
    expect(menuAfterClick(tree, catalog, 'sales', 'catalog:tiles')).toBe('sales');
  });

  it('leaves the menu for a click outside it', () => {
    expect(menuAfterClick(tree, catalog, 'sales', 'support')).toBeNull();
    expect(menuAfterClick(tree, catalog, 'sales', 'book')).toBeNull();
    expect(menuAfterClick(tree, catalog, null, 'pricing')).toBeNull();
  });
});

describe(CtaSelection.name, () => {
  const sut = new CtaSelection(new RulesService(new TenantLifecycle()), new CatalogSuggestions());
  const business = {
    businessId: 'acme',
    version: 1,
    timezone: 'UTC',
    ctaTree: tree,
    catalog,
  } as unknown as TenantConfig;
  const session = (plan?: string) => {
    const state = newSessionState('acme', 's1', 'chat');
    if (plan) state.clientMetadata = { plan };
    return state;
  };

  it('reads a node condition on a menu click from what the session knows', () => {
    const clicked = (state: ReturnType<typeof session>) =>
      sut.select(business, state, {}, 'main_menu').map((c) => c.id);
    expect(clicked(session('pro'))).toEqual(['sales', 'support', 'pro_line']);
    expect(clicked(session('basic'))).toEqual(['sales', 'support']);
  });

  it('moves the open menu on a click and leaves it on a click outside', () => {
    const state = session();
    sut.follow(business, state, 'sales');
    expect(state.conversation.currentCtaId).toBe('sales');
    expect(sut.select(business, state, {}).map((c) => c.id)).toEqual([
      'pricing',
      'services:drains',
      'services:heaters',
      'deep',
    ]);
    sut.follow(business, state, 'support');
    expect(state.conversation.currentCtaId).toBeNull();
  });
});
