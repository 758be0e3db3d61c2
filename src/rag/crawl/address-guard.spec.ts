import { assertPublicUrl, ForbiddenAddressError, isPublicAddress, publicOnlyLookup } from 'src/rag/crawl/address-guard';
import { SiteCrawlerErrorCode } from 'src/rag/crawl/site-crawler.errors';

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

describe('assertPublicUrl', () => {
  it('refuses an IP-literal loopback URL with a validation error naming the URL, without DNS', async () => {
    await expect(assertPublicUrl(new URL('http://127.0.0.1:8080/admin'))).rejects.toMatchObject({
      kind: 'VALIDATION',
      code: SiteCrawlerErrorCode.FORBIDDEN_ADDRESS,
      message: expect.stringContaining('http://127.0.0.1:8080/admin') as unknown,
    });
  });

  it('refuses a bracketed IPv6 loopback URL', async () => {
    await expect(assertPublicUrl(new URL('http://[::1]/'))).rejects.toMatchObject({
      code: SiteCrawlerErrorCode.FORBIDDEN_ADDRESS,
    });
  });

  it('accepts a public IP-literal URL', async () => {
    await expect(assertPublicUrl(new URL('https://8.8.8.8/'))).resolves.toBeUndefined();
  });
});

describe('publicOnlyLookup', () => {
  it('fails the socket lookup when the host resolves to loopback (hosts file, no network)', async () => {
    const err = await new Promise<unknown>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));

    expect(err).toBeInstanceOf(ForbiddenAddressError);
    expect((err as ForbiddenAddressError).hostname).toBe('localhost');
  });
});
