import { validateHandoffConfig } from 'src/tenant/handoff-config';

describe('validateHandoffConfig', () => {
  const secret = 'a-long-enough-secret';

  it('accepts an empty object and a full, public configuration', () => {
    expect(validateHandoffConfig({}, false)).toEqual([]);
    expect(
      validateHandoffConfig(
        {
          afterNegativeTurns: 2,
          message: 'A person will reply.',
          webhookUrl: 'https://hooks.example.com/h',
          webhookSecret: secret,
        },
        false,
      ),
    ).toEqual([]);
  });

  it('names every problem', () => {
    expect(validateHandoffConfig([], false)).toEqual([expect.stringContaining('handoff must be an object')]);
    expect(
      validateHandoffConfig(
        { afterNegativeTurns: 0, message: '', webhookUrl: 'ftp://x', webhookSecret: 'short', extra: 1 },
        false,
      ),
    ).toEqual([
      'handoff.extra is not a hand-off setting',
      'handoff.afterNegativeTurns must be an integer from 1 to 20',
      'handoff.message must be a non-empty string of at most 500 characters',
      'handoff.webhookUrl must be an absolute http(s) URL',
      'handoff.webhookSecret must be a string of 16 to 200 characters',
    ]);
    expect(validateHandoffConfig({ webhookUrl: 'not a url', webhookSecret: secret }, false)).toEqual([
      'handoff.webhookUrl must be an absolute http(s) URL',
    ]);
    expect(validateHandoffConfig({ webhookUrl: 'https://hooks.example.com/h' }, false)).toEqual([
      expect.stringContaining('webhookSecret is required'),
    ]);
  });

  it('accepts an E.164 transfer number for calls and refuses anything else', () => {
    expect(validateHandoffConfig({ transferNumber: '+14155550199' }, false)).toEqual([]);
    for (const bad of ['4155550199', '+0155550199', 'call me', 14155550199])
      expect(validateHandoffConfig({ transferNumber: bad }, false)).toEqual([
        'handoff.transferNumber must be an E.164 phone number like +14155550100',
      ]);
  });

  it('refuses a literal non-public webhook address unless private URLs are allowed', () => {
    const config = { webhookUrl: 'http://169.254.169.254/latest', webhookSecret: secret };
    expect(validateHandoffConfig(config, false)).toEqual([expect.stringContaining('non-public address')]);
    expect(validateHandoffConfig(config, true)).toEqual([]);
  });
});
