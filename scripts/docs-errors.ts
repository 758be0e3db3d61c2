import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { ErrorSpec } from 'src/common/errors/error-catalogue';
import { reasonPhrase, statusForKind } from 'src/common/errors/http-status';
import { ALL_ERRORS } from 'src/error-codes';

export const TABLE_START = '<!-- error-codes:start (npm run docs:errors) -->';
export const TABLE_END = '<!-- error-codes:end -->';
export const README_PATH = join(__dirname, '..', 'README.md');

/** The README's error table: one row per code, in catalogue order. */
export function renderErrorTable(errors: readonly ErrorSpec[] = ALL_ERRORS): string {
  const rows = errors.map((spec) => {
    const status = statusForKind(spec.kind);
    return `| \`${spec.code}\` | ${status} ${reasonPhrase[status]} | ${spec.meaning} |`;
  });
  return ['| Code | HTTP status | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by `table`; the markers must be there, once each. */
export function withErrorTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (
    start < 0 ||
    end < start ||
    readme.indexOf(TABLE_START, start + 1) >= 0 ||
    readme.indexOf(TABLE_END, end + 1) >= 0
  ) {
    throw new Error(`README.md must contain "${TABLE_START}" followed by "${TABLE_END}", once each`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** `npm run docs:errors` rewrites the table; `-- --check` only reports (exit 1) when it is stale. */
function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const readme = readFileSync(README_PATH, 'utf8');
  const updated = withErrorTable(readme, renderErrorTable());
  if (updated === readme) {
    console.log(`README.md error table is up to date (${ALL_ERRORS.length} codes)`);
    return;
  }
  if (values.check) {
    console.error('README.md error table is stale: run npm run docs:errors');
    process.exitCode = 1;
    return;
  }
  writeFileSync(README_PATH, updated);
  console.log(`README.md error table rewritten (${ALL_ERRORS.length} codes)`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`docs:errors failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
