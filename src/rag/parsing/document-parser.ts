import { Injectable, Logger } from '@nestjs/common';

import { AppError } from 'src/common/errors/app-error';
import { AppConfig } from 'src/config/app-config.service';
import {
  type ExtractedText,
  normalizeText,
  type TextFileFormat,
  textFileToText,
} from 'src/rag/parsing/document-extract';
import { DocumentParserErrors } from 'src/rag/parsing/document-parser.errors';
import { type DocumentWorkerLimits, extractInWorker, type WorkerFormat } from 'src/rag/parsing/document-worker';
import { detectFormat, type DocumentFormat } from 'src/rag/parsing/format-detection';
import { rawPdfToText } from 'src/rag/parsing/pdf-text';
import { extractPdfInWorker } from 'src/rag/parsing/pdf-worker';
import { WorkerFailure } from 'src/rag/parsing/worker-run';

/** Bounds on one PDF extraction: a hostile or pathological file must not pin a core or the heap. */
const PDF_TIMEOUT_MS = 60_000;
const PDF_MAX_HEAP_MB = 512;
/**
 * DOCX, HTML and the larger Markdown, CSV and text files get the same treatment. A DOCX is a zip: its XML typically
 * compresses 5–20 times and its images not at all, so 100 times for an entry over 1 MiB, or more than 200 MiB
 * unpacked, is a zip bomb rather than a document.
 */
const DOC_WORKER_LIMITS: DocumentWorkerLimits = {
  timeoutMs: 60_000,
  maxHeapMb: 512,
  zip: { maxEntries: 5_000, maxTotalBytes: 200 * 1024 * 1024, maxRatio: 100, ratioFloorBytes: 1024 * 1024 },
};

/**
 * Markdown, CSV and text files up to this size are parsed on the calling thread: a few milliseconds, less than
 * starting a worker. Larger ones go to a worker like DOCX and HTML (Markdown is rendered to HTML and read back, about
 * 0.4 ms a kilobyte), so no upload stalls the event loop that serves chat turns and calls.
 */
const INLINE_TEXT_BYTES = 8 * 1024;

const LABELS: Record<WorkerFormat, string> = {
  docx: 'DOCX',
  html: 'HTML',
  markdown: 'Markdown',
  csv: 'CSV',
  txt: 'text',
};

export type { DocumentFormat } from 'src/rag/parsing/format-detection';

export interface ParsedDocument {
  /** From the document's own metadata or first heading; null when it has none (callers fall back to the filename). */
  title: string | null;
  /** Headings as `#`-prefixed lines, paragraphs separated by a blank line (see html-text.ts). */
  text: string;
  format: DocumentFormat;
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
    // Normalized where it was extracted: a worker's text comes back ready, so a large file is not scanned here again.
    const { title, text } = await this.extract(format, buffer, filename);
    if (!text) throw DocumentParserErrors.empty(filename);
    return { title, text, format };
  }

  private async extract(
    format: DocumentFormat,
    buffer: Buffer,
    filename: string,
  ): Promise<{ title: string | null; text: string }> {
    switch (format) {
      case 'pdf':
        return this.guard(filename, 'PDF', async () =>
          normalized(
            rawPdfToText(await extractPdfInWorker(buffer, { timeoutMs: PDF_TIMEOUT_MS, maxHeapMb: PDF_MAX_HEAP_MB })),
          ),
        );
      case 'docx':
      case 'html':
        return this.guard(filename, LABELS[format], () => this.inWorker(format, buffer, filename));
      case 'markdown':
      case 'csv':
      case 'txt':
        return this.guard(filename, LABELS[format], () => this.textFile(format, buffer, filename));
    }
  }

  private textFile(format: TextFileFormat, buffer: Buffer, filename: string): Promise<ExtractedText> {
    if (buffer.length <= INLINE_TEXT_BYTES)
      return Promise.resolve(normalized(textFileToText(format, buffer, filename)));
    return this.inWorker(format, buffer, filename);
  }

  private async inWorker(format: WorkerFormat, buffer: Buffer, filename: string): Promise<ExtractedText> {
    const reply = await extractInWorker(format, buffer, filename, DOC_WORKER_LIMITS);
    if (reply.ok) return reply.result;
    if (reply.reason === 'too-large') throw DocumentParserErrors.archiveTooLarge(filename, 'DOCX', reply.detail);
    throw DocumentParserErrors.unreadable(filename, LABELS[format]);
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

function normalized(extracted: ExtractedText): ExtractedText {
  return { title: extracted.title, text: normalizeText(extracted.text) };
}
