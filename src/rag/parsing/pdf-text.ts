interface Line {
  text: string;
  y: number;
  size: number;
  /** A vertical gap above this line larger than line spacing: a new paragraph starts here. */
  gapBefore: boolean;
}

export interface PdfTextItem {
  str: string;
  transform: number[];
  height: number;
  hasEOL: boolean;
}

/** Groups positioned text runs into lines; pdf.js marks most line ends with hasEOL, a y jump catches the rest. */
function toLines(items: PdfTextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Line | null = null;
  let prev: Line | null = null;
  const close = () => {
    if (current && current.text.trim()) {
      const spacing = prev ? prev.y - current.y : 0;
      current.gapBefore = prev !== null && Math.abs(spacing) > Math.max(current.size, prev.size) * 1.6;
      current.text = current.text.replace(/\s+/g, ' ').trim();
      lines.push(current);
      prev = current;
    }
    current = null;
  };
  for (const item of items) {
    const y = item.transform[5];
    const size = Math.abs(item.transform[3]) || item.height || 1;
    if (current && Math.abs(current.y - y) > size * 0.5) close();
    if (!current) current = { text: '', y, size, gapBefore: false };
    current.text += item.str;
    current.size = Math.max(current.size, size);
    if (item.hasEOL) close();
  }
  close();
  return lines;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

/**
 * Rebuilds paragraphs and headings from a PDF's positioned text: a line set clearly larger than the body text is a
 * heading, a vertical gap starts a paragraph, and pages are separated by a blank line.
 */
function linesToText(pages: Line[][]): string {
  const body = median(pages.flat().map((l) => l.size));
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    // A line ending in a hyphenated word continues without a space ("retrieval-" + "augmented").
    if (paragraph.length) blocks.push(paragraph.reduce((acc, l) => (/\w-$/.test(acc) ? acc + l : `${acc} ${l}`)));
    paragraph = [];
  };
  for (const page of pages) {
    for (const line of page) {
      const ratio = body ? line.size / body : 1;
      if (ratio >= 1.25 && line.text.length <= 120) {
        flush();
        blocks.push(`${ratio >= 1.6 ? '#' : '##'} ${line.text}`);
        continue;
      }
      if (line.gapBefore) flush();
      paragraph.push(line.text);
    }
    flush();
  }
  return blocks.join('\n\n');
}

export interface RawPdf {
  title: string | null;
  pages: PdfTextItem[][];
}

export function rawPdfToText(raw: RawPdf): { title: string | null; text: string } {
  return { title: raw.title, text: linesToText(raw.pages.map(toLines)) };
}
