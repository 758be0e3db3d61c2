import { chunkText } from 'src/rag/processing/chunker';
import { normalizeText } from 'src/rag/processing/text-normalizer';

describe(chunkText.name, () => {
  const options = { targetChars: 200, maxChars: 260, overlapChars: 60 };

  it('keeps a short text as one chunk', () => {
    expect(chunkText('Just one paragraph.', options)).toEqual([{ text: 'Just one paragraph.', heading: null }]);
  });

  it('starts a new chunk at each heading and records the heading', () => {
    const text = '# Pricing\n\nDrains cost $149.\n\n# Hours\n\nOpen 8 to 6.';
    const chunks = chunkText(text, options);
    expect(chunks.map((c) => c.heading)).toEqual(['Pricing', 'Hours']);
    expect(chunks[0].text).toBe('# Pricing\n\nDrains cost $149.');
    expect(chunks[1].text).not.toContain('Drains');
  });

  it('packs paragraphs up to the target size and overlaps consecutive chunks of a section by whole sentences', () => {
    const paragraphs = Array.from(
      { length: 6 },
      (_, i) => `Paragraph ${i} talks about topic ${i}. It has a second sentence ${i}.`,
    );
    const chunks = chunkText(paragraphs.join('\n\n'), options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(options.targetChars + options.maxChars);
    // The last paragraph of a chunk (two sentences, within the overlap) opens the next one.
    expect(chunks[1].text.startsWith(chunks[0].text.split('\n\n').pop()!)).toBe(true);
    const all = chunks.map((c) => c.text).join(' ');
    for (const p of paragraphs) expect(all).toContain(p);
  });

  it('cuts a paragraph longer than the maximum at sentence ends, and a run-on text at spaces', () => {
    const long = Array.from({ length: 20 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    for (const c of chunkText(long, options))
      expect(c.text.length).toBeLessThanOrEqual(options.maxChars + options.overlapChars + 1);
    const runOn = 'word '.repeat(300).trim();
    const pieces = chunkText(runOn, options);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.every((p) => !p.text.includes('wor d'))).toBe(true);
  });
});

describe(normalizeText.name, () => {
  it('collapses spaces, drops zero-width characters and keeps at most one blank line', () => {
    expect(normalizeText('  a\u200B b\t\tc  \r\n\r\n\r\n\r\nd ')).toBe('a b c\n\nd');
  });
});
