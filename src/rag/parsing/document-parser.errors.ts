import { AppError } from 'src/common/errors/app-error';

export const DocumentParserErrorCode = {
  UNSUPPORTED_FILE_TYPE: 'RAG.UNSUPPORTED_FILE_TYPE',
  FILE_TOO_LARGE: 'RAG.FILE_TOO_LARGE',
  FILE_UNREADABLE: 'RAG.FILE_UNREADABLE',
  FILE_EMPTY: 'RAG.FILE_EMPTY',
  ARCHIVE_TOO_LARGE: 'RAG.ARCHIVE_TOO_LARGE',
} as const;

export const DocumentParserErrors = {
  unsupported: (filename: string, detail: string) =>
    new AppError(
      'VALIDATION',
      DocumentParserErrorCode.UNSUPPORTED_FILE_TYPE,
      `File "${filename}" is not a supported type (${detail}); upload PDF, DOCX, HTML, Markdown, TXT or CSV`,
    ),
  tooLarge: (filename: string, size: number, max: number) =>
    new AppError(
      'PAYLOAD_TOO_LARGE',
      DocumentParserErrorCode.FILE_TOO_LARGE,
      `File "${filename}" is ${size} bytes; the limit is ${max} bytes (KB_MAX_FILE_BYTES)`,
    ),
  unreadable: (filename: string, format: string) =>
    new AppError(
      'VALIDATION',
      DocumentParserErrorCode.FILE_UNREADABLE,
      `File "${filename}" is not a readable ${format} file`,
    ),
  archiveTooLarge: (filename: string, format: string, detail: string) =>
    new AppError(
      'PAYLOAD_TOO_LARGE',
      DocumentParserErrorCode.ARCHIVE_TOO_LARGE,
      `File "${filename}" is a ${format} that looks like a zip bomb and was not unpacked (${detail})`,
    ),
  empty: (filename: string) =>
    new AppError(
      'VALIDATION',
      DocumentParserErrorCode.FILE_EMPTY,
      `File "${filename}" contains no extractable text (a scanned PDF needs OCR first)`,
    ),
};
