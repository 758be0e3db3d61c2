import { assertPublicUrl } from 'src/rag/crawl/address-guard';
import { SiteCrawlerErrorCode } from 'src/rag/crawl/site-crawler.errors';

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
