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
});
