import {
  ForbiddenAddressError,
  isPublicAddress,
  nonPublicAddressOf,
  publicOnlyLookup,
} from 'src/common/net/address-guard';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts public %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('publicOnlyLookup', () => {
  it('fails the socket lookup when the host resolves to loopback (hosts file, no network)', async () => {
    const err = await new Promise<unknown>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));

    expect(err).toBeInstanceOf(ForbiddenAddressError);
    expect((err as ForbiddenAddressError).hostname).toBe('localhost');
  });
});

describe('nonPublicAddressOf', () => {
  it('names the non-public address a literal or a resolved host stands for, and passes public literals', async () => {
    expect(await nonPublicAddressOf(new URL('http://[::1]:8080/x'))).toMatchObject({ hostname: '::1', address: '::1' });
    expect(await nonPublicAddressOf(new URL('http://localhost/'))).toMatchObject({
      hostname: 'localhost',
      address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
    });
    expect(await nonPublicAddressOf(new URL('https://8.8.8.8/'))).toBeUndefined();
  });
});
