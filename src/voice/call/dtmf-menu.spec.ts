import { normalizeCtaTree } from 'src/tenant/cta-tree';
import { DtmfMenu, keypadSentence } from 'src/voice/call/dtmf-menu';
import { ctaTreeFactory } from 'test/factories/business.factory';

describe(DtmfMenu.name, () => {
  const tree = normalizeCtaTree(ctaTreeFactory.build() as never);

  it('offers the entry options and descends into a sub-menu on its digit', () => {
    const sut = new DtmfMenu(tree);
    const top = sut.press('#');
    expect(top).toMatchObject({ kind: 'announce' });
    expect((top as { prompt: string }).prompt).toContain(
      'press 1 for Sales Team, press 2 for Support, press 3 for Book an Appointment',
    );
    const sales = sut.press('1');
    expect((sales as { prompt: string }).prompt).toContain('press 1 for Pricing');
  });

  it("turns a send node into the caller's request", () => {
    const sut = new DtmfMenu(tree);
    sut.press('1');
    expect(sut.press('1')).toEqual({ kind: 'request', text: 'How much does it cost?', ctaId: 'pricing' });
  });

  it('reads out a link node and goes back to the top on 0', () => {
    const sut = new DtmfMenu(tree);
    expect((sut.press('3') as { prompt: string }).prompt).toContain('https://calendly.com/acme/demo');
    sut.press('1');
    expect((sut.press('0') as { prompt: string }).prompt).toContain('press 2 for Support');
  });

  it('says a digit is not an option instead of guessing', () => {
    expect((new DtmfMenu(tree).press('9') as { prompt: string }).prompt).toContain('not an option');
  });

  it("offers a flow state's CTAs on the keypad until 0 goes back to the tree", () => {
    const sut = new DtmfMenu(tree);
    expect(sut.offer(['pricing', 'gone', 'book_appointment']).map((n) => n.id)).toEqual([
      'pricing',
      'book_appointment',
    ]);
    expect(keypadSentence(sut.offer(['pricing', 'book_appointment']))).toBe(
      'Press 1 for Pricing, press 2 for Book an Appointment.',
    );
    expect(sut.press('1')).toEqual({ kind: 'request', text: 'How much does it cost?', ctaId: 'pricing' });
    expect((sut.press('0') as { prompt: string }).prompt).toContain('press 1 for Sales Team');
    expect(keypadSentence(sut.offer([]))).toBe('');
  });

  it("lists a conditional node only once the call's context holds its when, and expands a catalog node", () => {
    const withExtras = normalizeCtaTree({
      ...ctaTreeFactory.build(),
      main_menu: {
        id: 'main_menu',
        label: 'Menu',
        action: 'show_children',
        children: ['pro_line', 'services'],
      },
      pro_line: {
        id: 'pro_line',
        label: 'Priority line',
        action: 'send',
        message: 'Priority line please',
        when: { '==': [{ var: 'metadata.plan' }, 'pro'] },
      },
      services: { id: 'services', label: 'Services', action: 'send', source: 'catalog', tag: 'drains' },
    } as never);
    const catalog = [
      { id: 'unblock', name: 'Drain unblocking', tags: ['drains'] },
      { id: 'cctv', name: 'Drain camera survey', url: 'https://acme.example.com/cctv', tags: ['drains'] },
    ];
    const sut = new DtmfMenu(withExtras, catalog);
    // Before anything is known of the call a condition cannot hold, as in the public entry buttons.
    expect((sut.press('#') as { prompt: string }).prompt).toContain(
      'press 1 for Drain unblocking, press 2 for Drain camera survey;',
    );
    sut.showWhen((node) => node.id === 'pro_line');
    expect((sut.press('#') as { prompt: string }).prompt).toContain(
      'press 1 for Priority line, press 2 for Drain unblocking, press 3 for Drain camera survey;',
    );
    expect(sut.press('2')).toEqual({ kind: 'request', text: 'Drain unblocking', ctaId: 'services:unblock' });
    expect((sut.press('3') as { prompt: string }).prompt).toContain('https://acme.example.com/cctv');
  });

  it('ignores keys when the tenant has no menu', () => {
    expect(new DtmfMenu({}).press('1')).toEqual({ kind: 'ignore' });
  });
});
