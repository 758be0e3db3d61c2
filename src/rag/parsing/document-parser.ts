import { Injectable, Logger } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import { csvToText } from 'src/rag/parsing/csv-text';
import type { ExtractedText } from 'src/rag/parsing/document-extract';
import { DocumentParserErrors } from 'src/rag/parsing/document-parser.errors';
import { type DocumentWorkerLimits, extractInWorker } from 'src/rag/parsing/document-worker';
import { decodeText, detectFormat, type DocumentFormat } from 'src/rag/parsing/format-detection';
import { markdownToText } from 'src/rag/parsing/markdown-text';
import { rawPdfToText } from 'src/rag/parsing/pdf-text';
import { extractPdfInWorker } from 'src/rag/parsing/pdf-worker';
import { WorkerFailure } from 'src/rag/parsing/worker-run';

/** Bounds on one PDF extraction: a hostile or pathological file must not pin a core or the heap. */
const PDF_TIMEOUT_MS = 60_000;
const PDF_MAX_HEAP_MB = 512;
/**
 * DOCX and HTML get the same treatment. A DOCX is a zip: its XML typically compresses 5–20 times and its images not
 * at all, so 100 times for an entry over 1 MiB, or more than 200 MiB unpacked, is a zip bomb rather than a document.
 */
const DOC_WORKER_LIMITS: DocumentWorkerLimits = {
  timeoutMs: 60_000,
  maxHeapMb: 512,
  zip: { maxEntries: 5_000, maxTotalBytes: 200 * 1024 * 1024, maxRatio: 100, ratioFloorBytes: 1024 * 1024 },
};

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
  private readonly logger = new Logger('DocumentParser');

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
        return this.guard(filename, 'DOCX', () => this.inWorker('docx', buffer, filename));
      case 'html':
        return this.guard(filename, 'HTML', () => this.inWorker('html', buffer, filename));
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

  private async inWorker(format: 'docx' | 'html', buffer: Buffer, filename: string): Promise<ExtractedText> {
    const reply = await extractInWorker(format, buffer, DOC_WORKER_LIMITS);
    if (reply.ok) return reply.result;
    if (reply.reason === 'too-large') throw DocumentParserErrors.archiveTooLarge(filename, 'DOCX', reply.detail);
    throw DocumentParserErrors.unreadable(filename, format.toUpperCase());
  }

  /** Parser libraries throw arbitrary errors on corrupt input; the admin needs to know which file was bad. */
  private async guard<T>(filename: string, label: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof AppError) throw err;
      // A parser stopped at its time or memory limit is worth an operator's look; the file name stays out (PII).
      if (err instanceof WorkerFailure) {
        this.logger.warn({ event: 'document_parse_stopped', format: label, reason: err.reason });
      }
      throw DocumentParserErrors.unreadable(filename, label);
    }
  }
}
