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

  it('ignores keys when the tenant has no menu', () => {
    expect(new DtmfMenu({}).press('1')).toEqual({ kind: 'ignore' });
  });
});
