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

  it('is certain of an exact example, whatever the case and punctuation', async () => {
    expect((await sut.classify(goaccel, 'DO YOU WORK WITH PLUMBERS')).intent).toEqual({
      name: 'industries',
      confidence: 1,
      source: 'offline',
    });
  });

  it('answers other for an empty message and for one no intent comes near', async () => {
    expect((await sut.classify(goaccel, '  ?! ')).intent.name).toBe('other');
    const far = (await sut.classify(goaccel, 'zxqv wplk')).intent;
    expect(far.name).toBe('other');
    expect(far.confidence).toBeGreaterThan(0.5);
  });

  it('reads a message by its words, not by the contact details in it (an address never asks for a person)', async () => {
    const plain = { businessId: 'acme', version: 1, intents: [] } as unknown as TenantConfig;
    const read = new Set<string>();
    // Some random-looking addresses used to push this sentence onto a human_handoff example (confidence ~0.25).
    for (let i = 0; i < 200; i++) {
      const id = `${i % 4}x${i % 13}x${(i * 2654435761).toString(16).slice(-8)}`;
      read.add((await sut.classify(plain, `Please call me back, my email is lead-${id}@example.com`)).intent.name);
      read.add(
        (await sut.classify(plain, `My number is +1 415 555 ${1000 + i}, see https://x.example/${id}`)).intent.name,
      );
    }
    expect(read.has('human_handoff')).toBe(false);
    // Two sentences, each read the same way whatever its address, number or link.
    expect(read.size).toBeLessThanOrEqual(2);
  });

  it("uses a tenant's new examples once its config version changes", async () => {
    const before = { ...goaccel, intents: [] } as unknown as TenantConfig;
    const after = {
      ...goaccel,
      version: 2,
      intents: [{ name: 'franchise', examples: ['can I open a franchise location'] }],
    } as unknown as TenantConfig;
    expect((await sut.classify(before, 'can I open a franchise location')).intent.name).not.toBe('franchise');
    expect((await sut.classify(after, 'can I open a franchise location')).intent.name).toBe('franchise');
  });

  it('keeps the confidences it gave before its postings were packed into typed arrays', async () => {
    const pinned: Array<[string, string, number]> = [
      ['How much does the growth plan cost per month?', 'pricing', 0.88],
      ['I want to talk to a real person please', 'human_handoff', 0.872],
      ['can we book a demo next tuesday', 'appointment', 0.695],
      ['this is the worst service, I want a refund', 'complaint', 0.826],
      ['what integrations do you support?', 'industries', 0.503],
      ['do you work with healthcare companies in Texas', 'industries', 0.349],
      ['thanks, that helps a lot', 'thanks', 0.883],
    ];
    for (const [text, name, confidence] of pinned) {
      expect((await sut.classify(goaccel, text)).intent).toEqual({ name, confidence, source: 'offline' });
    }
  });

  it('names the intent of ≥ 85% of the labelled GoAccel messages (offline accuracy, printed)', async () => {
    expect(LABELLED_MESSAGES.length).toBeGreaterThanOrEqual(150);
    const misses: string[] = [];
    for (const [text, expected] of LABELLED_MESSAGES) {
      const { intent } = await sut.classify(goaccel, text);
      if (intent.name !== expected)
        misses.push(`  "${text}": expected ${expected}, got ${intent.name} (${intent.confidence})`);
    }
    const accuracy = 1 - misses.length / LABELLED_MESSAGES.length;
    console.log(
      [
        `offline intent accuracy ${accuracy.toFixed(3)} over ${LABELLED_MESSAGES.length} messages; misses:`,
        ...misses,
      ].join('\n'),
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
