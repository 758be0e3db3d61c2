import { load, loadBuffer } from 'cheerio';
import mammoth from 'mammoth';

import { csvToText } from 'src/rag/parsing/csv-text';
import { decodeText } from 'src/rag/parsing/format-detection';
import { extractHtmlContent } from 'src/rag/parsing/html-content';
import { documentTitle, elementsToText, removeNonContent } from 'src/rag/parsing/html-text';
import { markdownToText } from 'src/rag/parsing/markdown-text';
import { assertZipWithinLimits, type ZipLimits } from 'src/rag/parsing/zip-limits';

export interface ExtractedText {
  title: string | null;
  text: string;
}

/** Collapses blank-line runs and trailing spaces so every format meets the same text contract. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Word styles map to real headings in mammoth's HTML, so DOCX keeps its outline like the other formats. */
export async function docxToText(buffer: Buffer, zipLimits: ZipLimits): Promise<ExtractedText> {
  await assertZipWithinLimits(buffer, zipLimits);
  const { value: html } = await mammoth.convertToHtml({ buffer });
  const $ = load(html);
  removeNonContent($);
  return { title: $('h1').length ? documentTitle($) : null, text: elementsToText($, $('body')) };
}

/** loadBuffer honours a BOM or <meta charset>, which a raw upload carries instead of an HTTP header. */
export function htmlToText(buffer: Buffer): ExtractedText {
  return extractHtmlContent(loadBuffer(buffer));
}

export type TextFileFormat = 'markdown' | 'csv' | 'txt';

/** Markdown, CSV and plain text files, decoded as format detection read them (the filename tells a TSV). */
export function textFileToText(format: TextFileFormat, buffer: Buffer, filename: string): ExtractedText {
  const source = decodeText(buffer);
  if (format === 'markdown') return markdownToText(source);
  return { title: null, text: format === 'csv' ? csvToText(source, filename) : source };
}
