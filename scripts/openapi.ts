import 'reflect-metadata';

import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

import { NestFactory } from '@nestjs/core';

import { AppModule } from 'src/app.module';
import { buildOpenApiDocument } from 'src/bootstrap';
import { StacklessConsoleLogger } from 'src/common/errors/startup-error';
import { OPENAPI_FILE, serializeOpenApi } from 'src/common/http/openapi-file';

import { CLI_APP_OPTIONS, runCli } from './support/cli';

/**
 * `npm run openapi`: writes openapi.json from the controllers and DTOs. `preview` builds the module graph without
 * instantiating providers, so no database, Redis or API key is needed and nothing is started.
 */
async function main(): Promise<void> {
  // Test mode reads no .env and requires no production settings: the document is the same on every machine.
  process.env.NODE_ENV = 'test';
  const app = await NestFactory.create(AppModule.forRoot(), {
    ...CLI_APP_OPTIONS,
    // Errors only: preview mode announces itself with a warning banner.
    logger: new StacklessConsoleLogger({ logLevels: ['error'] }),
    preview: true,
  });
  try {
    writeFileSync(OPENAPI_FILE, serializeOpenApi(buildOpenApiDocument(app)));
  } finally {
    await app.close();
  }
  console.log(`Wrote ${relative(process.cwd(), OPENAPI_FILE)}`);
}

runCli('OpenAPI generation', main);
