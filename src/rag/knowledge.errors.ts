import { AppError } from 'src/common/errors/app-error';

/** Errors of knowledge-base ingestion, versions, jobs and the admin search endpoint. */
export const KnowledgeErrorCode = {
  INVALID_DOCUMENTS: 'KB.INVALID_DOCUMENTS',
  INVALID_NDJSON: 'KB.INVALID_NDJSON',
  INVALID_FILE: 'KB.INVALID_FILE',
  INVALID_QUERY: 'KB.INVALID_QUERY',
  DOCUMENT_NOT_FOUND: 'KB.DOCUMENT_NOT_FOUND',
  VERSION_NOT_FOUND: 'KB.VERSION_NOT_FOUND',
  JOB_NOT_FOUND: 'KB.JOB_NOT_FOUND',
  NO_WEBSITE: 'KB.NO_WEBSITE',
  CONCURRENT_CHANGE: 'KB.CONCURRENT_CHANGE',
  NO_CONTENT: 'KB.NO_CONTENT',
} as const;

export const KnowledgeErrors = {
  invalidDocuments: (message: string) => new AppError('VALIDATION', KnowledgeErrorCode.INVALID_DOCUMENTS, message),
  invalidNdjson: (line: number, reason: string) =>
    new AppError('VALIDATION', KnowledgeErrorCode.INVALID_NDJSON, `NDJSON line ${line}: ${reason}`),
  invalidFile: (message: string) => new AppError('VALIDATION', KnowledgeErrorCode.INVALID_FILE, message),
  invalidQuery: (message: string) => new AppError('VALIDATION', KnowledgeErrorCode.INVALID_QUERY, message),
  documentNotFound: (docId: string) =>
    new AppError('NOT_FOUND', KnowledgeErrorCode.DOCUMENT_NOT_FOUND, `Document "${docId}" not found in this knowledge base`),
  versionNotFound: (version: number) =>
    new AppError('NOT_FOUND', KnowledgeErrorCode.VERSION_NOT_FOUND, `Knowledge-base version ${version} not found`),
  jobNotFound: (jobId: string) => new AppError('NOT_FOUND', KnowledgeErrorCode.JOB_NOT_FOUND, `Job "${jobId}" not found`),
  noWebsite: (businessId: string) =>
    new AppError('VALIDATION', KnowledgeErrorCode.NO_WEBSITE, `Business "${businessId}" has no websiteUrl to crawl`),
  noContent: (what: string) => new AppError('VALIDATION', KnowledgeErrorCode.NO_CONTENT, `${what} produced no text to ingest`),
  concurrentChange: () =>
    new AppError('CONFLICT', KnowledgeErrorCode.CONCURRENT_CHANGE, 'The knowledge base kept changing during this update; retry'),
};
