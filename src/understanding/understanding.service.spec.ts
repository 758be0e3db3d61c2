import type { TenantConfig } from 'src/tenant/tenant-config';
import { IntentClassifier } from 'src/understanding/intent-classifier.port';
import { SentimentAnalyzer } from 'src/understanding/sentiment.analyzer';
import { UnderstandingService } from 'src/understanding/understanding.service';
import { strictMock } from 'test/support/strict-mock';

describe(UnderstandingService.name, () => {
  const business = { businessId: 'acme', version: 1, intents: [] } as unknown as TenantConfig;

  it("uses the classifier's sentiment when it read one (Gemini's shared call)", async () => {
    const classifier = strictMock<IntentClassifier>({
      classify: () =>
        Promise.resolve({
          intent: { name: 'pricing', confidence: 0.9, source: 'gemini' as const },
          sentiment: { label: 'positive' as const, score: 0.5 },
        }),
    });
    const sut = new UnderstandingService(classifier, strictMock<SentimentAnalyzer>());
    expect(await sut.understand(business, 'I am not happy')).toEqual({
      intent: { name: 'pricing', confidence: 0.9, source: 'gemini' },
      sentiment: { label: 'positive', score: 0.5 },
    });
  });

  it('reads sentiment offline when the classifier did not', async () => {
    const classifier = strictMock<IntentClassifier>({
      classify: () => Promise.resolve({ intent: { name: 'complaint', confidence: 0.6, source: 'offline' as const } }),
    });
    const sut = new UnderstandingService(classifier, new SentimentAnalyzer());
    const reading = await sut.understand(business, 'I am not happy');
    expect(reading.sentiment.label).toBe('negative');
  });
});
