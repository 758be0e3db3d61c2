import { canonicalUrl, prepareDocument } from 'src/rag/processing/source-document';

describe(prepareDocument.name, () => {
  const base = {
    sourceType: 'json' as const,
    url: 'https://a.example/p?utm_source=x#top',
    title: ' Pricing ',
    text: 'One.\n\nTwo.',
    category: 'Services',
  };

  it('keys a document by its canonical URL and gives identical input identical chunk identities', () => {
    const a = prepareDocument(base);
    const b = prepareDocument({ ...base, url: 'https://a.example/p' });
    expect(a.sourceKey).toBe('https://a.example/p');
    expect(a.title).toBe('Pricing');
    expect(a.chunks.map((c) => c.rowKey)).toEqual(b.chunks.map((c) => c.rowKey));
    expect(a.contentHash).toBe(b.contentHash);
  });

  it('changes a chunk identity, but not its content hash, when only the page title changes', () => {
    const a = prepareDocument(base);
    const b = prepareDocument({ ...base, title: 'Prices' });
    expect(b.chunks[0].contentHash).toBe(a.chunks[0].contentHash);
    expect(b.chunks[0].rowKey).not.toBe(a.chunks[0].rowKey);
    expect(b.chunks[0].embedHash).not.toBe(a.chunks[0].embedHash);
  });

  it('falls back to the title, then the text, as identity when there is no URL', () => {
    expect(prepareDocument({ ...base, url: null }).sourceKey).toBe('title:Pricing');
    expect(prepareDocument({ ...base, url: null, title: null }).sourceKey).toMatch(/^text:[0-9a-f]{64}$/);
  });
});

describe(canonicalUrl.name, () => {
  it('strips fragments and tracking parameters but keeps meaningful ones', () => {
    expect(canonicalUrl('https://a.example/x?id=3&utm_medium=mail&gclid=1#frag')).toBe('https://a.example/x?id=3');
  });
});
