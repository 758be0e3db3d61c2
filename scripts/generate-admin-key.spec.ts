import { generateAdminKey } from './generate-admin-key';

describe('generateAdminKey', () => {
  it('makes hex keys of twice the byte length', () => {
    expect(generateAdminKey(32, 'hex')).toMatch(/^[0-9a-f]{64}$/);
  });
  it('makes url-safe base64 keys', () => {
    expect(generateAdminKey(30, 'base64')).toMatch(/^[A-Za-z0-9_-]{40}$/);
  });
  it('never repeats', () => {
    expect(generateAdminKey(32, 'hex')).not.toBe(generateAdminKey(32, 'hex'));
  });
});
