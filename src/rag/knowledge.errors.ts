import { AppError } from 'src/common/errors/app-error';
import { defineErrors } from 'src/common/errors/error-catalogue';

/** Errors of knowledge-base ingestion, versions, jobs and the admin search endpoint. */
export const KnowledgeErrorCatalogue = defineErrors({
  INVALID_DOCUMENTS: {
    code: 'KB.INVALID_DOCUMENTS',
    kind: 'VALIDATION',
    meaning:
      'The knowledge-base documents body is malformed (the message lists the first problems); nothing was ingested.',
  },
  INVALID_NDJSON: {
    code: 'KB.INVALID_NDJSON',
    kind: 'VALIDATION',
    meaning: 'A line of an NDJSON upload is not a valid document (the message names the line); nothing was ingested.',
  },
  INVALID_FILE: {
    code: 'KB.INVALID_FILE',
    kind: 'VALIDATION',
    meaning: 'The file upload has no file, or the uploaded file is no longer available.',
  },
  INVALID_QUERY: {
    code: 'KB.INVALID_QUERY',
    kind: 'VALIDATION',
    meaning: 'The knowledge search query is empty or too long.',
  },
  DOCUMENT_NOT_FOUND: {
    code: 'KB.DOCUMENT_NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: "No document with this id in the business's knowledge base.",
  },
  VERSION_NOT_FOUND: {
    code: 'KB.VERSION_NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: 'No knowledge-base version with this number for this business.',
  },
  JOB_NOT_FOUND: {
    code: 'KB.JOB_NOT_FOUND',
    kind: 'NOT_FOUND',
    meaning: 'No knowledge job with this id for this business.',
  },
  NO_WEBSITE: {
    code: 'KB.NO_WEBSITE',
    kind: 'VALIDATION',
    meaning: "A crawl of the business's own website was asked for, but the business has no `websiteUrl`.",
  },
  CONCURRENT_CHANGE: {
    code: 'KB.CONCURRENT_CHANGE',
    kind: 'CONFLICT',
    meaning: 'The knowledge base kept changing while this update was applied; retry it.',
  },
  NO_CONTENT: {
    code: 'KB.NO_CONTENT',
    kind: 'VALIDATION',
    meaning: 'The upload or crawl produced no text to ingest.',
  },
});

export const KnowledgeErrors = {
  invalidDocuments: (message: string) => new AppError(KnowledgeErrorCatalogue.INVALID_DOCUMENTS, message),
  invalidNdjson: (line: number, reason: string) =>
    new AppError(KnowledgeErrorCatalogue.INVALID_NDJSON, `NDJSON line ${line}: ${reason}`),
  invalidFile: (message: string) => new AppError(KnowledgeErrorCatalogue.INVALID_FILE, message),
  invalidQuery: (message: string) => new AppError(KnowledgeErrorCatalogue.INVALID_QUERY, message),
  documentNotFound: (docId: string) =>
    new AppError(KnowledgeErrorCatalogue.DOCUMENT_NOT_FOUND, `Document "${docId}" not found in this knowledge base`),
  versionNotFound: (version: number) =>
    new AppError(KnowledgeErrorCatalogue.VERSION_NOT_FOUND, `Knowledge-base version ${version} not found`),
  jobNotFound: (jobId: string) => new AppError(KnowledgeErrorCatalogue.JOB_NOT_FOUND, `Job "${jobId}" not found`),
  noWebsite: (businessId: string) =>
    new AppError(KnowledgeErrorCatalogue.NO_WEBSITE, `Business "${businessId}" has no websiteUrl to crawl`),
  noContent: (what: string) => new AppError(KnowledgeErrorCatalogue.NO_CONTENT, `${what} produced no text to ingest`),
  concurrentChange: () =>
    new AppError(
      KnowledgeErrorCatalogue.CONCURRENT_CHANGE,
      'The knowledge base kept changing during this update; retry',
    ),
};
