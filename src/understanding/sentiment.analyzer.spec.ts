import { SentimentAnalyzer } from 'src/understanding/sentiment.analyzer';

describe(SentimentAnalyzer.name, () => {
  const sut = new SentimentAnalyzer();

  it.each([
    ['I am not happy', 'negative'],
    ["I'm not happy with the service", 'negative'],
    ["don't like it", 'negative'],
    ['this is terrible', 'negative'],
    ['I am happy', 'positive'],
    ['thanks, that is great', 'positive'],
    ['What are your opening hours?', 'neutral'],
    ['', 'neutral'],
  ])('reads "%s" as %s', (text, label) => {
    expect(sut.analyze(text).label).toBe(label);
  });

  it('keeps the score within -1..1 however strong the message', () => {
    const furious = sut.analyze('terrible awful horrible worst disgusting hate hate hate');
    const delighted = sut.analyze('amazing wonderful fantastic love love love best excellent');
    expect(furious.score).toBeGreaterThanOrEqual(-1);
    expect(furious.score).toBeLessThan(-0.9);
    expect(delighted.score).toBeLessThanOrEqual(1);
    expect(delighted.score).toBeGreaterThan(0.9);
  });
});
