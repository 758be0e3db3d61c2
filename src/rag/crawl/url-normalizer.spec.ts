import { isSameSite, isTrackingParam, looksLikePage, normalizeUrl, siteKey } from 'src/rag/crawl/url-normalizer';

describe('normalizeUrl', () => {
  it('strips tracking parameters and the fragment but keeps meaningful parameters, sorted', () => {
    expect(
      normalizeUrl(
        'https://Acme.example.com:443/pricing?utm_source=ads&page=2&gclid=x&fbclid=y&mc_cid=z&ref=nav&a=1#plans',
      ),
    ).toBe('https://acme.example.com/pricing?a=1&page=2');
  });

  it('drops an empty query entirely and resolves relative links against the page', () => {
    expect(normalizeUrl('../faq?utm_medium=email', 'https://acme.example.com/services/drains/')).toBe(
      'https://acme.example.com/services/faq',
    );
  });

  it('refuses non-http schemes, credentials and garbage', () => {
    expect(normalizeUrl('mailto:hello@acme.example.com')).toBeNull();
    expect(normalizeUrl('javascript:void(0)')).toBeNull();
    expect(normalizeUrl('ftp://acme.example.com/file')).toBeNull();
    expect(normalizeUrl('https://user:pass@acme.example.com/')).toBeNull();
    expect(normalizeUrl('http://')).toBeNull();
  });

  it('gives the same form to URLs that differ only by tracking, fragment or parameter order', () => {
    const a = normalizeUrl('https://acme.example.com/a?x=1&y=2#top');
    const b = normalizeUrl('https://acme.example.com/a?y=2&utm_campaign=spring&x=1');
    expect(a).toBe(b);
  });
});

describe('isTrackingParam', () => {
  it('matches utm_*, click ids and mailchimp parameters case-insensitively', () => {
    expect(
      ['UTM_Source', 'utm_content', 'gclid', 'fbclid', 'mc_eid', 'msclkid', '_ga', 'ref'].every(isTrackingParam),
    ).toBe(true);
    expect(['page', 'q', 'id', 'category', 'reference'].some(isTrackingParam)).toBe(false);
  });
});

describe('site identity', () => {
  it('treats www and the bare domain as one site but not other subdomains', () => {
    expect(siteKey('https://www.acme.example.com/x')).toBe('acme.example.com');
    expect(isSameSite('http://acme.example.com/', 'acme.example.com')).toBe(true);
    expect(isSameSite('https://shop.acme.example.com/', 'acme.example.com')).toBe(false);
    expect(isSameSite('https://evil.example.net/', 'acme.example.com')).toBe(false);
  });
});

describe('looksLikePage', () => {
  it('skips assets and documents but keeps extensionless and .html paths', () => {
    expect(looksLikePage('https://a.example.com/logo.PNG')).toBe(false);
    expect(looksLikePage('https://a.example.com/brochure.pdf')).toBe(false);
    expect(looksLikePage('https://a.example.com/services')).toBe(true);
    expect(looksLikePage('https://a.example.com/about.html')).toBe(true);
  });
});
