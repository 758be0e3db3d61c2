import { AppError } from 'src/common/errors/app-error';
import type { AppConfig } from 'src/config/app-config.service';
import { DocumentParser } from 'src/rag/parsing/document-parser';
import { DocumentParserErrorCode } from 'src/rag/parsing/document-parser.errors';
import { buildDocx, buildHtmlPage, buildPdf, buildZipBombDocx } from 'test/factories/knowledge-file.factory';

function makeParser(maxBytes = 10 * 1024 * 1024): DocumentParser {
  const config = {
    get: (key: string) => {
      if (key === 'KB_MAX_FILE_BYTES') return maxBytes;
      throw new Error(`unexpected config key ${key}`);
    },
  } as unknown as AppConfig;
  return new DocumentParser(config);
}

async function parseError(promise: Promise<unknown>): Promise<AppError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe(DocumentParser.name, () => {
  const sut = makeParser();

  it('extracts a PDF with its metadata title, headings and separate paragraphs', async () => {
    const pdf = buildPdf(
      [
        [
          { text: 'Winter Service Plans', size: 24 },
          { text: 'Our technicians inspect boilers every', gapBefore: 12 },
          { text: 'October before the first frost.' },
          { text: 'Emergency calls are answered within two hours.', gapBefore: 18 },
        ],
        [{ text: 'Page two lists the prices.' }],
      ],
      'Acme Service Guide',
    );

    const doc = await sut.parse(pdf, 'guide.pdf', 'application/pdf');

    expect(doc).toEqual({
      format: 'pdf',
      title: 'Acme Service Guide',
      text: [
        '# Winter Service Plans',
        'Our technicians inspect boilers every October before the first frost.',
        'Emergency calls are answered within two hours.',
        'Page two lists the prices.',
      ].join('\n\n'),
    });
  });

  it('extracts a DOCX with Word headings as heading lines', async () => {
    const docx = await buildDocx('Employee Handbook', [
      { heading: 'Holidays', paragraphs: ['Staff get 25 days of paid leave.', 'Unused days roll over once.'] },
      { heading: 'Vans', paragraphs: ['Company vans are serviced monthly.'] },
    ]);

    const doc = await sut.parse(docx, 'handbook.docx');

    expect(doc).toEqual({
      format: 'docx',
      title: 'Employee Handbook',
      text: [
        '# Employee Handbook',
        '## Holidays',
        'Staff get 25 days of paid leave.',
        'Unused days roll over once.',
        '## Vans',
        'Company vans are serviced monthly.',
      ].join('\n\n'),
    });
  });

  it('keeps the main content of an HTML page and drops navigation, header, footer, aside and scripts', async () => {
    const html = buildHtmlPage({
      title: 'Drain Cleaning | Acme',
      heading: 'Drain Cleaning',
      paragraphs: ['We clear blocked drains   with\n high-pressure jets.', 'Same-day visits in Springfield.'],
    });

    const doc = await sut.parse(Buffer.from(html), 'drains.html', 'text/html');

    expect(doc.format).toBe('html');
    expect(doc.title).toBe('Drain Cleaning | Acme');
    expect(doc.text).toBe(
      '# Drain Cleaning\n\nWe clear blocked drains with high-pressure jets.\n\nSame-day visits in Springfield.',
    );
  });

  it('drops link-only menus from a page that has no main landmark', async () => {
    const html =
      '<html><body><div class="menu"><a href="/">Home</a> <a href="/a">About</a> <a href="/s">Services</a> <a href="/c">Contact</a></div>' +
      '<div class="content"><h1>Leak Detection</h1><p>We find hidden leaks with <a href="/thermal">thermal cameras</a>.</p></div></body></html>';

    const doc = await sut.parse(Buffer.from(html), 'leaks.html');

    expect(doc.text).toBe('# Leak Detection\n\nWe find hidden leaks with thermal cameras.');
  });

  it('turns HTML lists and tables into line blocks', async () => {
    const html =
      '<html><body><h2>Prices</h2><table><tr><th>Service</th><th>Price</th></tr><tr><td>Drain</td><td>$90</td></tr></table>' +
      '<p>Includes:</p><ul><li>Camera check</li><li>Report<br>by email</li></ul></body></html>';

    const doc = await sut.parse(Buffer.from(html), 'prices.htm');

    expect(doc.text).toBe(
      '## Prices\n\nService | Price\nDrain | $90\n\nIncludes:\n\n- Camera check\n- Report\nby email',
    );
  });

  it('strips Markdown markup but keeps headings, and reads the title from front matter', async () => {
    const md = [
      '---',
      'title: "Boiler FAQ"',
      '---',
      '# Frequently asked',
      '',
      'Do you fix **combi** boilers? Yes, see [our page](https://acme.example.com/boilers).',
      '',
      '## Costs',
      '',
      '* Call-out: `$60`',
      '* Hourly: $45',
    ].join('\n');

    const doc = await sut.parse(Buffer.from(md), 'faq.md');

    expect(doc).toEqual({
      format: 'markdown',
      title: 'Boiler FAQ',
      text: '# Frequently asked\n\nDo you fix combi boilers? Yes, see our page.\n\n## Costs\n\n- Call-out: $60\n- Hourly: $45',
    });
  });

  it('reads plain text as UTF-8 with paragraph breaks normalized', async () => {
    const txt = Buffer.from('\uFEFFOpening hours  \r\nMon–Fri 8–18\r\n\r\n\r\n\r\nClosed on Sundays.\r\n');

    const doc = await sut.parse(txt, 'hours.txt', 'text/plain');

    expect(doc).toEqual({ format: 'txt', title: null, text: 'Opening hours\nMon–Fri 8–18\n\nClosed on Sundays.' });
  });

  it('falls back to Windows-1252 for text that is not valid UTF-8', async () => {
    const doc = await sut.parse(Buffer.from([0x43, 0x61, 0x66, 0xe9]), 'menu.txt');

    expect(doc.text).toBe('Café');
  });

  it('reads a UTF-16 tab-separated export (Excel "Unicode text") by its byte-order mark', async () => {
    const tsv = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Service\tPrice\nDrain unblock\t€90\n', 'utf16le'),
    ]);

    const doc = await sut.parse(tsv, 'prices.tsv');

    expect(doc).toEqual({ format: 'csv', title: null, text: 'Service: Drain unblock; Price: €90' });
  });

  it('decodes an uploaded HTML page in the charset its meta tag declares', async () => {
    const html = Buffer.from(
      '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 au lait</p></body></html>',
      'latin1',
    );

    const doc = await sut.parse(html, 'menu.html');

    expect(doc.text).toBe('Café au lait');
  });

  it('turns each CSV row into a "header: value" record and skips empty cells', async () => {
    const csv = 'Product,Price,Notes\n"Water heater, 50 gal",$899,\nSump pump,$349,"Includes ""install"""\n';

    const doc = await sut.parse(Buffer.from(csv), 'catalog.csv', 'text/csv');

    expect(doc).toEqual({
      format: 'csv',
      title: null,
      text: 'Product: Water heater, 50 gal; Price: $899\n\nProduct: Sump pump; Price: $349; Notes: Includes "install"',
    });
  });

  it('detects semicolon-delimited CSV exports', async () => {
    const doc = await sut.parse(Buffer.from('Name;City\nAcme;Springfield\n'), 'offices.csv');

    expect(doc.text).toBe('Name: Acme; City: Springfield');
  });

  it('detects a PDF by its magic bytes even without an extension', async () => {
    const doc = await sut.parse(buildPdf([[{ text: 'Warranty terms apply.' }]]), 'upload', 'application/octet-stream');

    expect(doc.format).toBe('pdf');
    expect(doc.title).toBeNull();
  });

  it('refuses an unsupported file type with a validation error naming the file', async () => {
    const err = await parseError(sut.parse(Buffer.from('{}'), 'data.json', 'application/json'));

    expect(err.kind).toBe('VALIDATION');
    expect(err.code).toBe(DocumentParserErrorCode.UNSUPPORTED_FILE_TYPE);
    expect(err.message).toContain('data.json');
  });

  it('refuses binary content uploaded under a text extension', async () => {
    const err = await parseError(sut.parse(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'notes.txt'));

    expect(err.code).toBe(DocumentParserErrorCode.UNSUPPORTED_FILE_TYPE);
  });

  it('refuses a legacy .doc file with a hint to save it as .docx', async () => {
    const err = await parseError(sut.parse(Buffer.from('text'), 'old.doc'));

    expect(err.message).toContain('.docx');
  });

  it('reports a corrupt PDF as unreadable, naming the file', async () => {
    const err = await parseError(sut.parse(Buffer.from('%PDF-1.4\nthis is not a pdf body'), 'broken.pdf'));

    expect(err.kind).toBe('VALIDATION');
    expect(err.code).toBe(DocumentParserErrorCode.FILE_UNREADABLE);
    expect(err.message).toContain('broken.pdf');
  });

  it('reports a .docx that is not a Word document as unreadable', async () => {
    const err = await parseError(sut.parse(Buffer.from('plain words'), 'fake.docx'));

    expect(err.code).toBe(DocumentParserErrorCode.FILE_UNREADABLE);
  });

  it('refuses a file larger than KB_MAX_FILE_BYTES with PAYLOAD_TOO_LARGE', async () => {
    const err = await parseError(makeParser(2048).parse(Buffer.alloc(2049, 'a'), 'big.txt'));

    expect(err.kind).toBe('PAYLOAD_TOO_LARGE');
    expect(err.code).toBe(DocumentParserErrorCode.FILE_TOO_LARGE);
    expect(err.message).toContain('big.txt');
  });

  it('refuses a zip-bomb DOCX before inflating it, with a PAYLOAD_TOO_LARGE error naming the file', async () => {
    const bomb = buildZipBombDocx(64 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);

    const err = await parseError(sut.parse(bomb, 'bomb.docx'));

    expect(err.kind).toBe('PAYLOAD_TOO_LARGE');
    expect(err.code).toBe(DocumentParserErrorCode.ARCHIVE_TOO_LARGE);
    expect(err.message).toContain('File "bomb.docx" is a DOCX that looks like a zip bomb and was not unpacked');
    expect(err.message).toMatch(/\(an entry expands \d+ times; at most 100 is accepted\)$/);
  });

  it('refuses a DOCX whose headers understate what an entry unpacks to', async () => {
    const err = await parseError(sut.parse(buildZipBombDocx(8 * 1024 * 1024, true), 'liar.docx'));

    expect(err.code).toBe(DocumentParserErrorCode.ARCHIVE_TOO_LARGE);
    expect(err.message).toBe(
      'File "liar.docx" is a DOCX that looks like a zip bomb and was not unpacked (an entry unpacks to more than the size it declares)',
    );
  });

  it('refuses a file with no extractable text', async () => {
    const err = await parseError(sut.parse(Buffer.from('<html><body><nav>Home</nav></body></html>'), 'empty.html'));

    expect(err.code).toBe(DocumentParserErrorCode.FILE_EMPTY);
  });
});
