import { load, loadBuffer } from 'cheerio';
import mammoth from 'mammoth';

import { extractHtmlContent } from 'src/rag/parsing/html-content';
import { documentTitle, elementsToText, removeNonContent } from 'src/rag/parsing/html-text';
import { assertZipWithinLimits, type ZipLimits } from 'src/rag/parsing/zip-limits';

export interface ExtractedText {
  title: string | null;
  text: string;
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
