import { applyOverrides, assignVariants, bucketOf, pickVariant } from 'src/experiments/experiment-assignment';
import type { TenantConfig } from 'src/tenant/tenant-config';

const variants = [
  { id: 'control', weight: 3, overrides: {} },
  { id: 'b', weight: 1, overrides: { greetingMessage: 'Hey!' } },
];
const business = {
  businessId: 'acme',
  greetingMessage: 'Hello',
  systemPrompt: 'Base prompt',
  personality: 'Calm',
  primaryGoal: 'Book calls',
  profiles: { sales: { primaryGoal: 'Close deals', personality: 'Brisk' } },
  experiments: [
    { id: 'greet', status: 'running', goal: 'engaged', variants },
    { id: 'old', status: 'stopped', goal: 'engaged', variants },
  ],
} as unknown as TenantConfig;

describe('experiment assignment', () => {
  it('hashes tenant, experiment and session to a fixed point in [0, 1)', () => {
    const point = bucketOf('acme', 'greet', 'session-1');
    expect(point).toBe(bucketOf('acme', 'greet', 'session-1'));
    expect(point).toBeGreaterThanOrEqual(0);
    expect(point).toBeLessThan(1);
    expect(bucketOf('acme', 'greet', 'session-2')).not.toBe(point);
    expect(bucketOf('acme', 'other', 'session-1')).not.toBe(point);
    expect(bucketOf('globex', 'greet', 'session-1')).not.toBe(point);
  });

  it('gives each variant its share of the total weight', () => {
    expect(pickVariant(variants, 0).id).toBe('control');
    expect(pickVariant(variants, 0.7499).id).toBe('control');
    expect(pickVariant(variants, 0.75).id).toBe('b');
    expect(pickVariant(variants, 0.999999).id).toBe('b');
  });

  it('assigns only running experiments', () => {
    const assignments = assignVariants(business, 'session-1');
    expect(assignments).toEqual([{ experimentId: 'greet', variantId: expect.stringMatching(/^(control|b)$/) }]);
  });

  it("replaces overridden fields, applies a profile's fields, and leaves the base config untouched", () => {
    const seen = applyOverrides(business, [{ profile: 'sales', greetingMessage: 'Hey!' }]);
    expect(seen).toMatchObject({
      greetingMessage: 'Hey!',
      primaryGoal: 'Close deals',
      personality: 'Brisk',
      systemPrompt: 'Base prompt',
    });
    expect(business.greetingMessage).toBe('Hello');
    expect(Object.isFrozen(seen)).toBe(true);
  });

  it('fills CTA ids from their keys in an overridden tree, as the base tree is stored', () => {
    const seen = applyOverrides(business, [
      { ctaTree: { book: { label: 'Book', action: 'link', url: 'https://x.io' } } },
    ]);
    expect(seen.ctaTree.book.id).toBe('book');
  });
});
