import { parseClassification } from 'src/understanding/gemini-intent.classifier';

describe(parseClassification.name, () => {
  const names = ['pricing', 'other'];

  it('accepts a reading within the schema, clamping numbers to their ranges', () => {
    expect(
      parseClassification(
        JSON.stringify({ intent: 'pricing', confidence: 1.4, sentiment: 'negative', sentimentScore: -3 }),
        names,
      ),
    ).toEqual({
      intent: { name: 'pricing', confidence: 1, source: 'gemini' },
      sentiment: { label: 'negative', score: -1 },
    });
  });

  it.each([
    ['an intent outside the list', { intent: 'weather', confidence: 1, sentiment: 'neutral', sentimentScore: 0 }],
    ['a missing confidence', { intent: 'pricing', sentiment: 'neutral', sentimentScore: 0 }],
    ['an unknown sentiment', { intent: 'pricing', confidence: 1, sentiment: 'meh', sentimentScore: 0 }],
    ['a non-numeric score', { intent: 'pricing', confidence: 1, sentiment: 'neutral', sentimentScore: 'low' }],
  ])('refuses %s', (_what, body) => {
    expect(() => parseClassification(JSON.stringify(body), names)).toThrow();
  });
});
