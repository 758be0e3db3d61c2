import { readFile } from 'node:fs/promises';

import { ModulesContainer } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { OPENAPI_FILE, serializeOpenApi } from 'src/common/http/openapi-file';
import { bootTestApp, TestApp } from 'test/support/test-app';

interface OpenApiDocument {
  servers: { url: string }[];
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
}

/** The first line where the two texts part, with a little context, so the failure shows what changed. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: openapi.json has ${JSON.stringify(a[at] ?? '<end of file>')}, the app serves ${JSON.stringify(b[at] ?? '<end of document>')}`;
}

type Dto = new () => object;

const documentedProperties = (dto: Dto): string[] | undefined =>
  (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) as string[] | undefined)?.map((p) =>
    p.slice(1),
  );

/** A DTO filled from its own `@ApiProperty({ example })` values, nested DTOs included. */
function documentedExample(dto: Dto): Record<string, unknown> {
  const example: Record<string, unknown> = {};
  for (const name of documentedProperties(dto) ?? []) {
    const meta = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) as {
      example?: unknown;
      type?: unknown;
    };
    if (meta.example !== undefined) example[name] = meta.example;
    else if (typeof meta.type === 'function' && documentedProperties(meta.type as Dto)) {
      example[name] = documentedExample(meta.type as Dto);
    }
  }
  return example;
}

/** Every documented class a handler takes as a parameter: its bodies and query strings. */
function requestDtos(modules: ModulesContainer): Dto[] {
  const dtos = new Set<Dto>();
  for (const module of modules.values()) {
    for (const { metatype } of module.controllers.values()) {
      const prototype = (metatype as Dto).prototype;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const types = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
        for (const type of types)
          if (typeof type === 'function' && documentedProperties(type as Dto)) dtos.add(type as Dto);
      }
    }
  }
  return [...dtos];
}

describe('OpenAPI contract', () => {
  let t: TestApp;
  let served: OpenApiDocument;

  beforeAll(async () => {
    t = await bootTestApp();
    served = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(async () => t.close());

  it('serves exactly the checked-in openapi.json', async () => {
    const checkedIn = await readFile(OPENAPI_FILE, 'utf8').catch(() => '');
    const current = serializeOpenApi(served);
    if (checkedIn !== current) {
      throw new Error(
        `openapi.json is out of date with the API the app serves (${firstDifference(checkedIn, current)}). ` +
          'Run `npm run openapi` and commit openapi.json with the change.',
      );
    }
  });

  it('declares a key on every admin operation and an explicitly empty security list on every other one', () => {
    const operations = Object.entries(served.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, path, security: op.security })),
    );
    const admin = [{ 'admin-api-key': [] }, { 'admin-bearer': [] }];
    const wrong = operations
      .filter((op) => JSON.stringify(op.security) !== JSON.stringify(op.path.startsWith('/admin') ? admin : []))
      .map((op) => op.route);
    expect(wrong).toEqual([]);
  });

  it('documents request examples the API itself accepts', () => {
    const dtos = requestDtos(t.app.get(ModulesContainer));
    // The same options as the global ValidationPipe (src/bootstrap.ts).
    const rejected = dtos.flatMap((dto) =>
      validateSync(plainToInstance(dto, documentedExample(dto)), { whitelist: true, forbidNonWhitelisted: true }).map(
        (error) => `${dto.name}.${error.property}`,
      ),
    );
    expect(dtos.map((dto) => dto.name)).toEqual(expect.arrayContaining(['ChatRequestDto', 'UpsertBusinessDto']));
    expect(rejected).toEqual([]);
  });

  it('names a relative server, so the document does not depend on where it was generated', () => {
    expect(served.servers).toEqual([{ url: '/', description: 'This deployment' }]);
  });
});
