import type { TenantConfig } from 'src/tenant/tenant-config';
import { OfflineIntentClassifier } from 'src/understanding/offline-intent.classifier';
import { GOACCEL_INTENTS, LABELLED_MESSAGES } from 'test/understanding/goaccel-intents';

const goaccel = {
  businessId: 'goaccel-website',
  version: 1,
  intents: GOACCEL_INTENTS,
} as unknown as TenantConfig;

describe(OfflineIntentClassifier.name, () => {
  const sut = new OfflineIntentClassifier();

  it('names the intent of ≥ 85% of the labelled GoAccel messages (offline accuracy, printed)', async () => {
    expect(LABELLED_MESSAGES.length).toBeGreaterThanOrEqual(150);
    const misses: string[] = [];
    for (const [text, expected] of LABELLED_MESSAGES) {
      const { intent } = await sut.classify(goaccel, text);
      if (intent.name !== expected) misses.push(`  "${text}": expected ${expected}, got ${intent.name} (${intent.confidence})`);
    }
    const accuracy = 1 - misses.length / LABELLED_MESSAGES.length;
    console.log(
      [`offline intent accuracy ${accuracy.toFixed(3)} over ${LABELLED_MESSAGES.length} messages; misses:`, ...misses].join('\n'),
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
