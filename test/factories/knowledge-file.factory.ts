import { crc32, deflateRawSync } from 'node:zlib';

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

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  /** Size written into the headers instead of the real one, as a lying zip bomb does. */
  declaredSize?: number;
}

/** A deflated zip written by hand (local headers, central directory, end record) so a test can make it hostile. */
export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const packed = deflateRawSync(entry.data, { level: 9 });
    const size = entry.declaredSize ?? entry.data.length;
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/></Types>';

/**
 * A DOCX-shaped zip bomb: a few kB on the wire whose word/document.xml unpacks to `unpackedBytes` of XML. With
 * `lie`, the headers claim the entry is tiny, so only inflating it reveals the size.
 */
export function buildZipBombDocx(unpackedBytes: number, lie = false): Buffer {
  const document = Buffer.alloc(unpackedBytes, ' ');
  document.write('<?xml version="1.0"?><w:document>', 0);
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: 'word/document.xml', data: document, declaredSize: lie ? 1024 : undefined },
  ]);
}
