import { AppError } from 'src/common/errors/app-error';
import { codesOf, defineErrors } from 'src/common/errors/error-catalogue';

export const DocumentParserErrorCatalogue = defineErrors({
  UNSUPPORTED_FILE_TYPE: {
    code: 'RAG.UNSUPPORTED_FILE_TYPE',
    kind: 'VALIDATION',
    meaning: 'The uploaded file is not PDF, DOCX, HTML, Markdown, TXT or CSV.',
  },
  FILE_TOO_LARGE: {
    code: 'RAG.FILE_TOO_LARGE',
    kind: 'PAYLOAD_TOO_LARGE',
    meaning: 'The uploaded file is larger than `KB_MAX_FILE_BYTES`.',
  },
  FILE_UNREADABLE: {
    code: 'RAG.FILE_UNREADABLE',
    kind: 'VALIDATION',
    meaning: 'The uploaded file is damaged or not really of the type it claims.',
  },
  FILE_EMPTY: {
    code: 'RAG.FILE_EMPTY',
    kind: 'VALIDATION',
    meaning: 'The uploaded file contains no extractable text (a scanned PDF needs OCR first).',
  },
  ARCHIVE_TOO_LARGE: {
    code: 'RAG.ARCHIVE_TOO_LARGE',
    kind: 'PAYLOAD_TOO_LARGE',
    meaning: 'The uploaded DOCX (a zip) would unpack to too much data, like a zip bomb, and was not unpacked.',
  },
});

export const DocumentParserErrorCode = codesOf(DocumentParserErrorCatalogue);

export const DocumentParserErrors = {
  unsupported: (filename: string, detail: string) =>
    new AppError(
      DocumentParserErrorCatalogue.UNSUPPORTED_FILE_TYPE,
      `File "${filename}" is not a supported type (${detail}); upload PDF, DOCX, HTML, Markdown, TXT or CSV`,
    ),
  tooLarge: (filename: string, size: number, max: number) =>
    new AppError(
      DocumentParserErrorCatalogue.FILE_TOO_LARGE,
      `File "${filename}" is ${size} bytes; the limit is ${max} bytes (KB_MAX_FILE_BYTES)`,
    ),
  unreadable: (filename: string, format: string) =>
    new AppError(DocumentParserErrorCatalogue.FILE_UNREADABLE, `File "${filename}" is not a readable ${format} file`),
  archiveTooLarge: (filename: string, format: string, detail: string) =>
    new AppError(
      DocumentParserErrorCatalogue.ARCHIVE_TOO_LARGE,
      `File "${filename}" is a ${format} that looks like a zip bomb and was not unpacked (${detail})`,
    ),
  empty: (filename: string) =>
    new AppError(
      DocumentParserErrorCatalogue.FILE_EMPTY,
      `File "${filename}" contains no extractable text (a scanned PDF needs OCR first)`,
    ),
};
