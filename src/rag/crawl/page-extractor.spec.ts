import { extractPage } from 'src/rag/crawl/page-extractor';
import { buildHtmlPage } from 'test/factories/knowledge-file.factory';

describe('extractPage', () => {
  it('returns main content without chrome, and every link including navigation, normalized', () => {
    const html = buildHtmlPage({
      title: 'Boilers | Acme',
      heading: 'Boiler Repair',
      paragraphs: ['Gas Safe engineers fix all brands.'],
      links: ['/contact?utm_source=footer#form', 'https://other.example.net/partner'],
    });

    const page = extractPage(Buffer.from(html), 'https://acme.example.com/boilers');

    expect(page.title).toBe('Boilers | Acme');
    expect(page.text).toContain('# Boiler Repair\n\nGas Safe engineers fix all brands.');
    expect(page.text).not.toContain('Recent posts');
    expect(page.text).not.toContain('1 Main Street');
    expect(page.text).not.toContain('tracking');
    expect(page.links).toEqual(
      expect.arrayContaining([
        'https://acme.example.com/services',
        'https://acme.example.com/contact',
        'https://other.example.net/partner',
      ]),
    );
    expect(page.noindex).toBe(false);
  });

  it('honours <base href>, canonical links and robots meta directives', () => {
    const html =
      '<html><head><base href="https://acme.example.com/docs/"><link rel="canonical" href="/docs/intro?utm_medium=x">' +
      '<meta name="robots" content="noindex, nofollow"></head><body><main><p>Intro text</p><a href="setup">Setup</a></main></body></html>';

    const page = extractPage(Buffer.from(html), 'https://acme.example.com/docs/intro?session=1');

    expect(page.links).toEqual(['https://acme.example.com/docs/setup']);
    expect(page.canonical).toBe('https://acme.example.com/docs/intro');
    expect(page.noindex).toBe(true);
    expect(page.nofollow).toBe(true);
  });

  it('decodes the charset declared by the server', () => {
    const body = Buffer.from('<html><body><main><p>Caf\xe9 cr\xe8me</p></main></body></html>', 'latin1');

    expect(extractPage(body, 'https://acme.example.com/', 'iso-8859-1').text).toBe('Café crème');
  });
});
