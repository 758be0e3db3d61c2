import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

import { IngestDocumentsDto } from 'src/rag/dto/ingest-documents.dto';
import { KnowledgeErrors } from 'src/rag/knowledge.errors';
import type { SourceDocument } from 'src/rag/processing/source-document';

/**
 * Validates a JSON `{documents: [...]}` body by hand: the endpoint also accepts NDJSON text, so the global
 * ValidationPipe cannot type the body. Errors name the exact field ("documents.3.text: ...").
 */
export function validateJsonDocuments(body: unknown): SourceDocument[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw KnowledgeErrors.invalidDocuments(
      'Body must be {"documents": [...]} (JSON) or NDJSON lines (application/x-ndjson)',
    );
  }
  const dto = plainToInstance(IngestDocumentsDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw KnowledgeErrors.invalidDocuments(flatten(errors).slice(0, 10).join('; '));
  return dto.documents.map((d) => ({
    sourceType: 'json' as const,
    url: d.url ?? null,
    title: d.title ?? null,
    text: d.text,
    category: d.category ?? null,
    metadata: d.metadata ?? {},
  }));
}

/** "documents.3.text must be a string" — names the exact field. */
function flatten(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => {
    const at = path ? `${path}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${at}: ${m}`);
    return [...own, ...flatten(e.children ?? [], at)];
  });
}
