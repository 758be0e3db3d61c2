import { join } from 'node:path';

import { configure } from 'safe-stable-stringify';

/** The checked-in contract (`npm run openapi` writes it; test/platform/openapi-contract.e2e-spec.ts compares it). */
export const OPENAPI_FILE = join(__dirname, '..', '..', '..', 'openapi.json');

// Keys sorted at every depth, so the file changes only when the API does, not when decorators or modules move.
// Strict: a value JSON cannot represent (a function, a bigint, a cycle) is a bug in a decorator, not something to drop.
const stringify = configure({ deterministic: true, strict: true, circularValue: TypeError });

/** The document as it is checked in: recursively sorted keys, two-space indent, trailing newline. */
export function serializeOpenApi(document: object): string {
  return `${stringify(document, null, 2)}\n`;
}
