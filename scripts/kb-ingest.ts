import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';

import { NestFactory } from '@nestjs/core';
import { Presets, SingleBar } from 'cli-progress';

import { AppModule } from 'src/app.module';
import { validateJsonDocuments } from 'src/rag/ingestion/json-documents.validator';
import { KnowledgeChangeService } from 'src/rag/ingestion/knowledge-change.service';
import { parseLegacyNdjson } from 'src/rag/ingestion/legacy-ndjson.parser';
import { DocumentParser } from 'src/rag/parsing/document-parser';
import { prepareDocument, SourceDocument } from 'src/rag/processing/source-document';
import { TenantService } from 'src/tenant/tenant.service';

import { CLI_APP_OPTIONS, runCli } from './support/cli';

const USAGE = 'usage: npm run kb:ingest -- --business <id> --file <path> [--category <name>]';

/**
 * `npm run kb:ingest -- --business <id> --file <path>`: ingests a file into a tenant's knowledge base in this process,
 * through the same pipeline as the admin API (one new version), with a progress bar.
 * .jsonl/.ndjson → legacy crawl records; .json → {documents: [...]}; anything else → the document parser.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { business: { type: 'string' }, file: { type: 'string' }, category: { type: 'string' } },
    strict: true,
  });
  if (!values.business || !values.file) {
    console.error(USAGE);
    process.exit(2);
  }
  // This process must not also start taking queued jobs of the running servers.
  process.env.KB_JOBS_WORKER = 'false';
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ embeddedPostgres: 'attach' }),
    CLI_APP_OPTIONS,
  );
  const bar = new SingleBar({ format: ' {bar} {percentage}% | {message}', hideCursor: true }, Presets.shades_classic);
  try {
    await app.get(TenantService).get(values.business);
    const documents = await readDocuments(app.get(DocumentParser), values.file, values.category);
    bar.start(100, 0, { message: `${documents.length} documents read` });
    const result = await app
      .get(KnowledgeChangeService)
      .apply(
        values.business,
        { upsert: documents.map((d) => prepareDocument(d)), remove: [], reason: 'ingest', jobId: null },
        (fraction, message) => {
          bar.update(Math.round(fraction * 100), { message });
          return Promise.resolve();
        },
      );
    bar.update(100, { message: 'done' });
    bar.stop();
    const c = result.counts;
    console.log(
      result.version === null
        ? `No change: the knowledge base already had this content (${c.documents} documents).`
        : `Version ${result.version} active: ${c.documents} documents, ${c.chunks} searchable chunks (+${c.added} / -${c.removed}, ` +
            `${c.boilerplate} boilerplate and ${c.duplicates} duplicate chunks skipped).`,
    );
  } finally {
    bar.stop();
    await app.close();
  }
}

async function readDocuments(parser: DocumentParser, file: string, category?: string): Promise<SourceDocument[]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return parseLegacyNdjson(readFileSync(file, 'utf8'));
  if (ext === '.json') return validateJsonDocuments(JSON.parse(readFileSync(file, 'utf8')));
  const name = basename(file);
  const parsed = await parser.parse(readFileSync(file), name);
  return [
    {
      sourceType: 'file',
      sourceKey: `file:${name}`,
      title: parsed.title ?? name,
      text: parsed.text,
      category: category ?? null,
      metadata: { filename: name, format: parsed.format },
    },
  ];
}

runCli('Ingestion', main);
