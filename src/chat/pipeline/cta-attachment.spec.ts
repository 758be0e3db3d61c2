import { attachCtas } from 'src/chat/pipeline/cta-attachment';
import type { CtaTree } from 'src/tenant/cta-tree';

const tree: CtaTree = {
  main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['sales'] },
  sales: { id: 'sales', label: 'Sales', action: 'send', message: 'Sales please', children: [] },
};

describe(attachCtas.name, () => {
  it('attaches the entry buttons when the reply asks a question', () => {
    expect(attachCtas('We fix leaks.<br><br>May I have your name?', tree)).toEqual([
      { id: 'sales', label: 'Sales', action: 'send', message: 'Sales please' },
    ]);
  });

  it('attaches nothing to a statement, even with a question mark inside a link', () => {
    expect(attachCtas('See <a href="https://x.example.com/?a=1">this page</a>.', tree)).toEqual([]);
  });

  it('keeps buttons chosen by a guard or menu, without their children lists', () => {
    expect(attachCtas('Pick one.', tree, [tree.main_menu])).toEqual([
      { id: 'main_menu', label: 'Menu', action: 'show_children' },
    ]);
  });
});
