import { displayPrefix, generateTenantKey, parseTenantKey, sha256Hex } from 'src/access/api-key-secret';

describe('tenant API key format', () => {
  it('generates keys that parse back to their lookup id and secret', () => {
    const made = generateTenantKey();
    expect(made.key).toMatch(/^cpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseTenantKey(made.key)).toEqual({ lookupId: made.lookupId, secret: made.secret });
    expect(made.secretSha256).toBe(sha256Hex(made.secret));
    expect(made.key.startsWith(displayPrefix(made.lookupId))).toBe(true);
  });

  it('keeps a secret that contains the separator intact', () => {
    const secret = `${'a'.repeat(20)}_${'b'.repeat(22)}`;
    expect(parseTenantKey(`cpk_0123456789abcdef_${secret}`)).toEqual({ lookupId: '0123456789abcdef', secret });
  });

  it('rejects anything that is not a tenant key', () => {
    for (const bad of [
      '',
      'test-admin-key-0123456789abcdef0123456789',
      'cpk_0123456789abcdef_short',
      `cpk_XYZ3456789abcdef_${'a'.repeat(43)}`,
      `cpk_0123456789abcdef_${'a'.repeat(44)}`,
    ]) {
      expect(parseTenantKey(bad)).toBeUndefined();
    }
  });

  it('never repeats a lookup id or secret', () => {
    const a = generateTenantKey();
    const b = generateTenantKey();
    expect(a.lookupId).not.toBe(b.lookupId);
    expect(a.secret).not.toBe(b.secret);
  });
});
