import { constantTimeEquals } from 'src/common/auth/constant-time';

describe('constantTimeEquals', () => {
  it('matches equal strings', () => expect(constantTimeEquals('secret-key', 'secret-key')).toBe(true));
  it('rejects different strings of equal length', () =>
    expect(constantTimeEquals('secret-kez', 'secret-key')).toBe(false));
  it('rejects strings of different length without throwing', () => {
    expect(constantTimeEquals('s', 'secret-key')).toBe(false);
    expect(constantTimeEquals('', 'secret-key')).toBe(false);
  });
});
