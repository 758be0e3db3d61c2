import { contentTerms, stem, termStats } from 'src/rag/embeddings/text-features';

describe('text features', () => {
  it('stems inflections of a word to one term, and the same way every time', () => {
    expect(new Set(['booking', 'booked', 'books'].map(stem))).toEqual(new Set([stem('book')]));
    expect(stem('scheduling')).toBe(stem('scheduling'));
    expect(stem('bus')).toBe('bus');
  });

  it('counts content terms of a text, stop words left out and repeats counted', () => {
    const stats = termStats('Booking a plumber: we book plumbers for the booked weekend.');
    expect(stats.counts.get(stem('book'))).toBe(3);
    expect(stats.counts.get(stem('plumber'))).toBe(2);
    expect(stats.counts.has('the')).toBe(false);
    expect(stats.length).toBe(contentTerms('Booking a plumber: we book plumbers for the booked weekend.').length);
  });

  it('gives an edited text its own counts rather than the cached ones of the old text', () => {
    expect(termStats('Open on Saturday.').counts.has(stem('saturday'))).toBe(true);
    const edited = termStats('Open on Sunday.');
    expect(edited.counts.has(stem('saturday'))).toBe(false);
    expect(edited.counts.has(stem('sunday'))).toBe(true);
  });
});
