import { Injectable } from '@nestjs/common';
import { load, loadBuffer } from 'cheerio';
import mammoth from 'mammoth';
import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import { csvToText } from 'src/rag/parsing/csv-text';
import { DocumentParserErrors } from 'src/rag/parsing/document-parser.errors';
import { decodeText, type DocumentFormat, detectFormat } from 'src/rag/parsing/format-detection';
import { extractHtmlContent } from 'src/rag/parsing/html-content';
import { documentTitle, elementsToText, removeNonContent } from 'src/rag/parsing/html-text';
import { markdownToText } from 'src/rag/parsing/markdown-text';
import { rawPdfToText } from 'src/rag/parsing/pdf-text';
import { extractPdfInWorker } from 'src/rag/parsing/pdf-worker';

/** Bounds on one PDF extraction: a hostile or pathological file must not pin a core or the heap. */
const PDF_TIMEOUT_MS = 60_000;
const PDF_MAX_HEAP_MB = 512;

export type { DocumentFormat } from 'src/rag/parsing/format-detection';

export interface ParsedDocument {
  /** From the document's own metadata or first heading; null when it has none (callers fall back to the filename). */
  title: string | null;
  /** Headings as `#`-prefixed lines, paragraphs separated by a blank line (see html-text.ts). */
  text: string;
  format: DocumentFormat;
}

/** Collapses blank-line runs and trailing spaces so every format meets the same text contract. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Turns an uploaded knowledge file into plain text with its structure kept, whatever its format. */
@Injectable()
export class DocumentParser {
  constructor(private readonly config: AppConfig) {}

  /** The upload limit, so the multipart endpoint can refuse a file before buffering all of it. */
  get maxBytes(): number {
    return this.config.get('KB_MAX_FILE_BYTES');
  }

  async parse(buffer: Buffer, filename: string, mimetype?: string): Promise<ParsedDocument> {
    if (buffer.length > this.maxBytes) throw DocumentParserErrors.tooLarge(filename, buffer.length, this.maxBytes);
    if (buffer.length === 0) throw DocumentParserErrors.empty(filename);
    const format = detectFormat(buffer, filename, mimetype);
    const { title, text } = await this.extract(format, buffer, filename);
    const normalized = normalizeText(text);
    if (!normalized) throw DocumentParserErrors.empty(filename);
    return { title, text: normalized, format };
  }

  private async extract(
    format: DocumentFormat,
    buffer: Buffer,
    filename: string,
  ): Promise<{ title: string | null; text: string }> {
    switch (format) {
      case 'pdf':
        return this.guard(filename, 'PDF', async () =>
          rawPdfToText(await extractPdfInWorker(buffer, { timeoutMs: PDF_TIMEOUT_MS, maxHeapMb: PDF_MAX_HEAP_MB })),
        );
      case 'docx':
        return this.guard(filename, 'DOCX', () => this.docxToText(buffer));
      case 'html':
        // loadBuffer honours a BOM or <meta charset>, which a raw upload carries instead of an HTTP header.
        return extractHtmlContent(loadBuffer(buffer));
      case 'markdown':
        return markdownToText(decodeText(buffer));
      case 'txt':
        return { title: null, text: decodeText(buffer) };
      case 'csv':
        return {
          title: null,
          text: await this.guard(filename, 'CSV', () => Promise.resolve(csvToText(decodeText(buffer), filename))),
        };
    }
  }

  /** Word styles map to real headings in mammoth's HTML, so DOCX keeps its outline like the other formats. */
  private async docxToText(buffer: Buffer): Promise<{ title: string | null; text: string }> {
    const { value: html } = await mammoth.convertToHtml({ buffer });
    const $ = load(html);
    removeNonContent($);
    return { title: $('h1').length ? documentTitle($) : null, text: elementsToText($, $('body')) };
  }

  /** Parser libraries throw arbitrary errors on corrupt input; the admin needs to know which file was bad. */
  private async guard<T>(filename: string, label: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw DocumentParserErrors.unreadable(filename, label);
    }
  }
}
