import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';

export interface PdfLine {
  text: string;
  /** Font size in points; body text is 12. */
  size?: number;
  /** Extra vertical space before the line, in points, to start a new paragraph. */
  gapBefore?: number;
}

const escapePdfString = (s: string) => s.replace(/([\\()])/g, '\\$1');

/**
 * A minimal but valid PDF (catalog, one page per entry of `pages`, Helvetica, xref table, Info title), written by
 * hand so the tests need no generator library and control exact font sizes and line positions.
 */
export function buildPdf(pages: PdfLine[][], title?: string): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // Pages, filled once the page object numbers are known
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const pageRefs: number[] = [];
  for (const lines of pages) {
    let y = 760;
    const ops = lines.map((line) => {
      const size = line.size ?? 12;
      y -= (line.gapBefore ?? 0) + size * 1.2;
      return `BT /F1 ${size} Tf 72 ${y} Td (${escapePdfString(line.text)}) Tj ET`;
    });
    const stream = ops.join('\n');
    add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    const contentRef = objects.length;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentRef} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
    );
    pageRefs.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${pageRefs.map((r) => `${r} 0 R`).join(' ')}] /Count ${pageRefs.length} >>`;
  if (title) add(`<< /Title (${escapePdfString(title)}) >>`);
  const infoRef = title ? objects.length : null;

  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = Buffer.byteLength(out, 'latin1');
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${infoRef ? ` /Info ${infoRef} 0 R` : ''} >>\n`;
  out += `startxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export interface DocxSection {
  heading: string;
  paragraphs: string[];
}

/** A real Word document made with the `docx` package: a title (Heading 1) and sections (Heading 2 + paragraphs). */
export async function buildDocx(title: string, sections: DocxSection[]): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }),
          ...sections.flatMap((s) => [
            new Paragraph({ text: s.heading, heading: HeadingLevel.HEADING_2 }),
            ...s.paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })),
          ]),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export interface SitePageOptions {
  title: string;
  heading: string;
  paragraphs: string[];
  links?: string[];
}

/** A typical CMS page: navigation, page header and footer around a <main> with the page's own content. */
export function buildHtmlPage({ title, heading, paragraphs, links = [] }: SitePageOptions): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><style>.x{color:red}</style><script>var tracking = 1;</script></head>
<body>
<header><div class="logo">Acme Plumbing</div><nav><a href="/">Home</a><a href="/services">Services</a><a href="/about">About</a></nav></header>
<main>
<h1>${heading}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<ul>${links.map((href) => `<li><a href="${href}">Link to ${href}</a></li>`).join('')}</ul>
</main>
<aside>Recent posts: Ten tips for winter pipes</aside>
<footer>© 2026 Acme Plumbing · 1 Main Street · Privacy</footer>
</body></html>`;
}
