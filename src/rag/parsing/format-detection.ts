import { extname } from 'node:path';

import { DocumentParserErrors } from 'src/rag/parsing/document-parser.errors';

export type DocumentFormat = 'pdf' | 'docx' | 'html' | 'markdown' | 'txt' | 'csv';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.mkd': 'markdown',
  '.txt': 'txt',
  '.text': 'txt',
  '.csv': 'csv',
  '.tsv': 'csv',
};

const BY_MIMETYPE: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'csv',
};

/** Formats people try that we deliberately refuse, with a hint the admin can act on. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  '.doc': 'legacy Word .doc; save it as .docx',
  '.xls': 'spreadsheet; export it as CSV',
  '.xlsx': 'spreadsheet; export it as CSV',
  '.pptx': 'presentation; export it as PDF',
  '.rtf': 'RTF; save it as .docx',
};

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function isPdf(buffer: Buffer): boolean {
  // The header may be preceded by junk bytes; readers accept it anywhere in the first 1 KB.
  return buffer.subarray(0, 1024).includes('%PDF-');
}

/** A DOCX is a ZIP whose (uncompressed) entry names include word/document.xml. */
function isDocx(buffer: Buffer): boolean {
  return buffer.subarray(0, 4).equals(ZIP_MAGIC) && buffer.includes('word/document.xml');
}

/** Excel's "Unicode text" export and Notepad's "Unicode" are UTF-16 with a byte-order mark. */
function utf16Encoding(buffer: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return 'utf-16le';
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return 'utf-16be';
  return null;
}

/** NUL bytes do not occur in 8-bit or UTF-8 text; UTF-16 is recognised by its byte-order mark first. */
function looksBinary(buffer: Buffer): boolean {
  return !utf16Encoding(buffer) && buffer.subarray(0, 8192).includes(0);
}

function looksLikeHtml(buffer: Buffer): boolean {
  const head = decodeText(buffer.subarray(0, 2048))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || /^<\?xml[^>]*>\s*<html/.test(head);
}

/**
 * Decides the format from the content first (binary formats carry magic bytes), then the file extension, then the
 * declared mimetype; a file whose content contradicts a binary extension is refused rather than parsed as garbage.
 */
export function detectFormat(buffer: Buffer, filename: string, mimetype?: string): DocumentFormat {
  if (isPdf(buffer)) return 'pdf';
  if (isDocx(buffer)) return 'docx';

  const ext = extname(filename).toLowerCase();
  const mime = mimetype?.split(';')[0].trim().toLowerCase();
  const claimed = BY_EXTENSION[ext] ?? (mime ? BY_MIMETYPE[mime] : undefined);

  if (claimed === 'pdf' || claimed === 'docx') throw DocumentParserErrors.unreadable(filename, claimed.toUpperCase());
  if (KNOWN_UNSUPPORTED[ext]) throw DocumentParserErrors.unsupported(filename, KNOWN_UNSUPPORTED[ext]);
  if (looksBinary(buffer)) throw DocumentParserErrors.unsupported(filename, 'binary content');
  if (claimed) return claimed;
  if (looksLikeHtml(buffer)) return 'html';
  if (!ext && (!mime || mime === 'application/octet-stream')) return 'txt';
  throw DocumentParserErrors.unsupported(filename, ext ? `extension ${ext}` : `type ${mime ?? 'unknown'}`);
}

/** UTF-16 by BOM, else UTF-8 (BOM stripped); text that is not valid UTF-8 is read as Windows-1252, as legacy exports are. */
export function decodeText(buffer: Buffer): string {
  const utf16 = utf16Encoding(buffer);
  if (utf16) return new TextDecoder(utf16).decode(buffer);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return new TextDecoder('windows-1252').decode(buffer);
  }
}
