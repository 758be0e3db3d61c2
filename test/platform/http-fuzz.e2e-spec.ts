import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DataSource } from 'typeorm';

import { buildOpenApiDocument } from 'src/bootstrap';
import { createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** The tables a request could write to; their row counts must not move while the fuzzer runs. */
const TABLES = [
  'businesses',
  'conversations',
  'messages',
  'analytics_events',
  'kb_documents',
  'kb_jobs',
  'kb_versions',
  'kb_chunks',
  'crm_configs',
  'crm_contacts',
  'crm_deals',
  'crm_outbox',
  'voice_configs',
  'voice_numbers',
];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const DEEP = 5000;

interface Payload {
  name: string;
  contentType: string;
  body: Buffer;
}

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  op: OperationObject;
}

const json = (name: string, value: unknown): Payload => ({
  name,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(value)),
});
const raw = (name: string, contentType: string, body: string | Buffer): Payload => ({
  name,
  contentType,
  body: Buffer.from(body),
});

/** Malformed bodies every operation gets, whatever its schema says. */
const GENERIC_PAYLOADS: Payload[] = [
  raw('truncated JSON', 'application/json', '{"a": [1, 2'),
  raw('not JSON at all', 'application/json', 'hello'),
  raw('JSON with trailing garbage', 'application/json', '{"a": 1} trailing'),
  raw('deeply nested arrays', 'application/json', '['.repeat(DEEP) + ']'.repeat(DEEP)),
  raw('deeply nested objects', 'application/json', '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP)),
  raw('__proto__ key', 'application/json', '{"__proto__": {"polluted": true}, "a": 1}'),
  raw('nested __proto__ key', 'application/json', '{"settings": {"__proto__": {"polluted": true}}}'),
  raw('constructor.prototype key', 'application/json', '{"constructor": {"prototype": {"polluted": true}}}'),
  raw(
    'invalid UTF-8',
    'application/json',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]),
  ),
  raw('JSON null', 'application/json', 'null'),
  raw('JSON array', 'application/json', '[1, "two", null]'),
  raw('huge string', 'application/json', JSON.stringify({ a: 'x'.repeat(900_000) })),
  raw('form body', 'application/x-www-form-urlencoded', 'a=1&__proto__[polluted]=1&b[c]=2'),
  raw('NDJSON body', 'application/x-ndjson', '{"title":"t","content":"c"}\n{bad'),
  raw('text body', 'text/plain', 'just text'),
  raw('unknown content type', 'application/octet-stream', Buffer.from([0, 1, 2, 255])),
];

/** Values of the wrong type for a property of the given schema type. */
function wrongValues(schema: SchemaObject | undefined): unknown[] {
  const huge = 'y'.repeat(200_000);
  switch (schema?.type) {
    case 'string':
      return [12345, true, ['a'], { a: 1 }, huge];
    case 'number':
    case 'integer':
      return ['not a number', -1e308, 1e308, [1], huge];
    case 'boolean':
      return ['yes', 2, {}];
    case 'array':
      return ['not an array', { 0: 'a' }, Array.from({ length: 10_000 }, () => huge.slice(0, 50))];
    default:
      return ['a string', 42, [1, 2], huge];
  }
}

function resolve(doc: OpenAPIObject, schema: SchemaObject | ReferenceObject | undefined): SchemaObject | undefined {
  if (!schema) return undefined;
  if ('$ref' in schema) return doc.components?.schemas?.[schema.$ref.split('/').pop()!] as SchemaObject | undefined;
  return schema;
}

/** One body per property with a wrong-typed value, plus one with every property wrong at once. */
function schemaPayloads(doc: OpenAPIObject, op: OperationObject): Payload[] {
  const body =
    op.requestBody && 'content' in op.requestBody ? op.requestBody.content['application/json']?.schema : undefined;
  const schema = resolve(doc, body);
  const properties = Object.entries(schema?.properties ?? {}).map(([k, v]) => [k, resolve(doc, v)] as const);
  const payloads = properties.flatMap(([key, prop]) =>
    wrongValues(prop).map((v, i) => json(`${key} wrong type #${i}`, { [key]: v })),
  );
  if (properties.length)
    payloads.push(json('every property wrong', Object.fromEntries(properties.map(([k, p]) => [k, wrongValues(p)[0]]))));
  return payloads;
}

function fillPath(path: string, tenant: string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    name === 'id' || name === 'businessId' ? tenant : name === 'version' ? '1' : encodeURIComponent(randomUUID()),
  );
}

/**
 * Query parameters with values of the wrong type (and a long one), to reach the handlers' query parsing. Kept under
 * Node's 16 KB request-head limit for every operation: past it Node answers 431 itself and closes the socket, and on
 * Node 24 a client still sending its body then sees a reset — the app's own handling would never be exercised.
 */
function fuzzQuery(op: OperationObject): string {
  const params = (op.parameters ?? []).filter((p): p is ParameterObject => 'in' in p && p.in === 'query');
  if (!params.length) return '';
  return (
    '?' +
    params.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent('-1e999%zz' + 'q'.repeat(1000))}`).join('&')
  );
}

/** A body-less write (delete, activate, test a connection) would run its handler whatever the body: only unauthenticated. */
const mutatesWithoutBody = (o: Operation) => o.method !== 'get' && !o.op.requestBody;

describe('HTTP fuzz over every operation of the OpenAPI document', () => {
  let t: TestApp;
  let tenant: string;
  let port: number;
  let operations: Operation[];

  beforeAll(async () => {
    // The production default: a crawl of an address nobody can reach is refused up front instead of queued.
    t = await bootTestApp({ OUTBOUND_ALLOW_PRIVATE_URLS: 'false' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    tenant = await createTenant(t);
    const doc = buildOpenApiDocument(t.app);
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method]! })),
    );
    payloadsFor = (o) => [...GENERIC_PAYLOADS, ...schemaPayloads(doc, o.op)];
  });
  afterAll(async () => t?.close());

  let payloadsFor: (o: Operation) => Payload[];

  function send(method: string, path: string, payload: Payload, admin: boolean): Promise<number> {
    return new Promise((done, fail) => {
      const headers: Record<string, string | number> = {
        'Content-Type': payload.contentType,
        'Content-Length': payload.body.length,
      };
      if (admin) Object.assign(headers, t.admin);
      const req = httpRequest({ host: '127.0.0.1', port, path, method: method.toUpperCase(), headers }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', fail);
      req.end(payload.body);
    });
  }

  async function rowCounts(): Promise<Record<string, number>> {
    const ds = t.app.get(DataSource);
    const counts: Record<string, number> = {};
    for (const table of TABLES)
      counts[table] = Number((await ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);
    return counts;
  }

  it('never answers 5xx, writes nothing and stays up', async () => {
    expect(operations.length).toBeGreaterThan(20);
    const before = await rowCounts();
    const failures: string[] = [];
    let sent = 0;
    for (const o of operations) {
      const path = fillPath(o.path, tenant) + (o.method === 'get' ? fuzzQuery(o.op) : '');
      for (const admin of mutatesWithoutBody(o) ? [false] : [false, true]) {
        for (const payload of payloadsFor(o)) {
          const status = await send(o.method, path, payload, admin);
          sent++;
          if (status >= 500 || status === 0)
            failures.push(
              `${o.method.toUpperCase()} ${o.path} [${payload.name}${admin ? ', admin' : ''}] -> ${status}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
    expect(sent).toBeLessThan(6000);
    expect(await rowCounts()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await t.http.get('/health').expect(200);
    await t.http.get(`/admin/business/${tenant}`).set(t.admin).expect(200);
  }, 120_000);
});
