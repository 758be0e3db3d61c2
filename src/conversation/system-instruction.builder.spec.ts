import { SystemInstructionBuilder } from 'src/conversation/system-instruction.builder';
import type { TenantConfig } from 'src/tenant/tenant-config';

const business = {
  businessId: 'acme',
  businessName: 'Acme Plumbing',
  systemPrompt: 'Focus on emergency repairs.',
  primaryGoal: 'Book service calls',
  personality: 'Warm',
  rules: ['Never quote prices.'],
  websiteUrl: 'https://acme.example.com',
} as unknown as TenantConfig;

describe(SystemInstructionBuilder.name, () => {
  const sut = new SystemInstructionBuilder();

  it('puts the platform rules before the tenant section, with the canary', () => {
    const text = sut.build(business, {}, 'chat');
    const tenantAt = text.indexOf('BUSINESS / TENANT SPECIFIC INSTRUCTIONS:');
    expect(text.indexOf('PLATFORM RULES')).toBeLessThan(tenantAt);
    expect(text.indexOf('Focus on emergency repairs.')).toBeGreaterThan(tenantAt);
    expect(text).toContain('Never quote prices.');
    expect(text).toContain(sut.canary);
  });

  it('lists known visitor details quoted, and says none when nothing is known', () => {
    expect(sut.build(business, {}, 'chat')).toContain('None yet.');
    const text = sut.build(business, { firstName: 'Jane', email: 'jane@x.io' }, 'chat');
    expect(text).toContain('First name: "Jane"');
    expect(text).toContain('Email: "jane@x.io"');
  });

  it('asks for the paragraph, <br><br>, question format in chat and plain speech on voice', () => {
    expect(sut.build(business, {}, 'chat')).toContain('<br><br>');
    const voice = sut.build(business, {}, 'voice');
    expect(voice).toContain('No HTML');
    expect(voice).not.toContain('then <br><br>');
  });

  it('protects the instructions without visitor details, and rebuilds them for a changed config', () => {
    expect(sut.protectedText(business, 'chat')).toBe(sut.build(business, {}, 'chat'));
    expect(sut.protectedText(business, 'chat')).not.toContain('jane@x.io');
    const changed = { ...business, systemPrompt: 'Only talk about boilers.' } as TenantConfig;
    expect(sut.build(changed, {}, 'chat')).toContain('Only talk about boilers.');
    expect(sut.build(business, {}, 'chat')).toContain('Focus on emergency repairs.');
  });

  it('uses a prompt profile over the business fields it sets, and falls back when the profile is gone', () => {
    const withProfiles = {
      ...business,
      rules: ['Never quote prices.', { id: 'r1', when: true, then: [{ tag: 'x' }] }],
      profiles: { sales: { primaryGoal: 'Book discovery calls' } },
    } as unknown as TenantConfig;
    const text = sut.build(withProfiles, {}, 'chat', 'sales');
    expect(text).toContain('Primary goal: Book discovery calls');
    expect(text).not.toContain('Book service calls');
    // Fields the profile does not set stay the business's own; rule objects never reach the prompt.
    expect(text).toContain('Personality: Warm');
    expect(text).not.toContain('"id":"r1"');
    expect(sut.protectedText(withProfiles, 'chat', 'sales')).toContain('Book discovery calls');
    expect(sut.build(withProfiles, {}, 'chat', 'removed')).toContain('Primary goal: Book service calls');
  });
});
