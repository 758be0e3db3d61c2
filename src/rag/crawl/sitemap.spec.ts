import { parseSitemap } from 'src/rag/crawl/sitemap';

describe('parseSitemap', () => {
  it('reads page locations from a urlset', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://acme.example.com/ </loc><lastmod>2026-01-01</lastmod></url>
  <url><loc>https://acme.example.com/services?a=1&amp;b=2</loc></url>
</urlset>`;

    expect(parseSitemap(xml)).toEqual({
      pages: ['https://acme.example.com/', 'https://acme.example.com/services?a=1&b=2'],
      sitemaps: [],
    });
  });

  it('reads child sitemaps from a sitemap index', () => {
    const xml = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://acme.example.com/post-sitemap.xml</loc></sitemap>
  <sitemap><loc>https://acme.example.com/page-sitemap.xml.gz</loc></sitemap>
</sitemapindex>`;

    expect(parseSitemap(xml)).toEqual({
      pages: [],
      sitemaps: ['https://acme.example.com/post-sitemap.xml', 'https://acme.example.com/page-sitemap.xml.gz'],
    });
  });

  it('returns nothing for a document that is not a sitemap', () => {
    expect(parseSitemap('<html><body>Not found</body></html>')).toEqual({ pages: [], sitemaps: [] });
  });
});
