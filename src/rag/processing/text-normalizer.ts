/**
 * Canonical form of ingested text: Unicode NFC, no control or zero-width characters, runs of spaces collapsed,
 * paragraph breaks kept (at most one blank line) because the chunker splits on them.
 */
export function normalizeText(raw: string): string {
  return (
    raw
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      .replace(/[\u200B-\u200D\uFEFF\u00AD]/g, '')
      .replace(/[^\S\n]+/g, ' ')
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
      .split('\n')
      .map((line) => line.trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** Single-line form for titles, categories and URLs. */
export function normalizeInline(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const value = normalizeText(raw).replace(/\s+/g, ' ');
  return value.length ? value : null;
}
