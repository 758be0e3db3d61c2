import { handoffMessage, handoffReason } from 'src/handoff/handoff.service';
import { DEFAULT_HANDOFF_MESSAGE } from 'src/tenant/handoff-config';
import type { TenantConfig } from 'src/tenant/tenant-config';

const tenant = (handoff: TenantConfig['handoff']) => ({ handoff }) as TenantConfig;

describe('handoffReason', () => {
  it('hands off on the human_handoff intent whatever the settings', () => {
    expect(handoffReason(tenant({}), 'human_handoff', 0)).toBe('intent:human_handoff');
  });

  it('hands off on a negative streak only when configured and reached', () => {
    expect(handoffReason(tenant({}), 'complaint', 5)).toBeNull();
    expect(handoffReason(tenant({ afterNegativeTurns: 3 }), 'complaint', 2)).toBeNull();
    expect(handoffReason(tenant({ afterNegativeTurns: 3 }), 'complaint', 3)).toBe('negative_sentiment:3');
  });
});

describe('handoffMessage', () => {
  it("is the business's message, else the default", () => {
    expect(handoffMessage(tenant({ message: 'Dana will reply.' }))).toBe('Dana will reply.');
    expect(handoffMessage(tenant({}))).toBe(DEFAULT_HANDOFF_MESSAGE);
  });
});
