import { navigateCta } from 'src/chat/pipeline/cta-navigation.step';
import { AppError } from 'src/common/errors/app-error';
import type { CtaTree } from 'src/tenant/cta-tree';

const tree: CtaTree = {
  main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['sales', 'support'] },
  sales: {
    id: 'sales',
    label: 'Sales',
    action: 'show_children',
    children: ['pricing'],
    message: 'What interests you?',
  },
  pricing: { id: 'pricing', label: 'Pricing', action: 'send', message: 'How much does it cost?' },
  support: { id: 'support', label: 'Support', action: 'send' },
  book: { id: 'book', label: 'Book', action: 'link', url: 'https://cal.example.com' },
  services: { id: 'services', label: 'Services', action: 'send', source: 'catalog', tag: 'services' },
};
const catalog = [
  { id: 'drains', name: 'Drain cleaning', tags: ['services'] },
  { id: 'heaters', name: 'Water heaters', url: 'https://acme.example.com/heaters', tags: ['services'] },
  { id: 'tiles', name: 'Tiling', tags: ['remodel'] },
];

describe(navigateCta.name, () => {
  it('passes through when no button was clicked', () => {
    expect(navigateCta(tree, undefined)).toEqual({ kind: 'none' });
  });

  it('answers a show_children node with its message and children', () => {
    const out = navigateCta(tree, 'sales');
    expect(out).toMatchObject({ kind: 'reply', text: 'What interests you?' });
    expect(out.kind === 'reply' && out.ctas.map((c) => c.id)).toEqual(['pricing']);
  });

  it('uses "Please select an option:" when the node has no message', () => {
    expect(navigateCta(tree, 'main_menu')).toMatchObject({ kind: 'reply', text: 'Please select an option:' });
  });

  it('turns a send node into the node message, or its label when it has none', () => {
    expect(navigateCta(tree, 'pricing')).toMatchObject({ kind: 'send', message: 'How much does it cost?' });
    expect(navigateCta(tree, 'support')).toMatchObject({ kind: 'send', message: 'Support' });
  });

  it('hands a link node back as a button', () => {
    const out = navigateCta(tree, 'book');
    expect(out.kind === 'reply' && out.ctas[0].url).toBe('https://cal.example.com');
  });

  it('rejects an unknown id, including inherited object keys, as a validation error', () => {
    for (const id of ['nope', 'constructor', '__proto__']) {
      expect(() => navigateCta(tree, id)).toThrow(AppError);
    }
  });

  it('resolves a button a catalog node expanded into: a send item sends its name, a link item comes back', () => {
    expect(navigateCta(tree, 'services:drains', catalog)).toMatchObject({
      kind: 'send',
      message: 'Drain cleaning',
      node: { id: 'services:drains', action: 'send' },
    });
    const link = navigateCta(tree, 'services:heaters', catalog);
    expect(link.kind === 'reply' && link.ctas[0]).toMatchObject({ url: 'https://acme.example.com/heaters' });
  });

  it('resolves a suggested catalog item of any tag', () => {
    expect(navigateCta(tree, 'catalog:tiles', catalog)).toMatchObject({ kind: 'send', message: 'Tiling' });
  });

  it('rejects an item outside the node tag, an unknown item, and an item under a node that is not a catalog node', () => {
    for (const id of ['services:tiles', 'services:nope', 'sales:drains', 'catalog:', ':drains']) {
      expect(() => navigateCta(tree, id, catalog)).toThrow(AppError);
    }
  });
});
