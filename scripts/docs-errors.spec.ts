import { readFileSync } from 'node:fs';

import type { ErrorSpec } from 'src/common/errors/error-catalogue';
import { ALL_ERRORS } from 'src/error-codes';

import { README_PATH, renderErrorTable, TABLE_END, TABLE_START, withErrorTable } from './docs-errors';

const specs: ErrorSpec[] = [
  { code: 'TENANT.NOT_FOUND', kind: 'NOT_FOUND', meaning: 'No business has this id.' },
  { code: 'session.token_required', kind: 'FORBIDDEN', meaning: 'The session needs its `session_token`.' },
];

describe(renderErrorTable.name, () => {
  it('writes one row per code with its status and meaning, in the given order', () => {
    expect(renderErrorTable(specs).split('\n')).toEqual([
      '| Code | HTTP status | Meaning |',
      '| --- | --- | --- |',
      '| `TENANT.NOT_FOUND` | 404 Not Found | No business has this id. |',
      '| `session.token_required` | 403 Forbidden | The session needs its `session_token`. |',
    ]);
  });
});

describe(withErrorTable.name, () => {
  const readme = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\n## Next\n`;

  it('replaces only the text between the markers', () => {
    expect(withErrorTable(readme, '| new |')).toBe(`# Title\n\n${TABLE_START}\n| new |\n${TABLE_END}\n\n## Next\n`);
  });

  it('gives the same text when run twice', () => {
    const once = withErrorTable(readme, '| new |');
    expect(withErrorTable(once, '| new |')).toBe(once);
  });

  it('refuses a README without both markers rather than appending somewhere', () => {
    expect(() => withErrorTable('# Title\n', '| new |')).toThrow(/must contain/);
    expect(() => withErrorTable(`${TABLE_END}\n${TABLE_START}\n`, '| new |')).toThrow(/must contain/);
    expect(() => withErrorTable(`${readme}${TABLE_START}\n`, '| new |')).toThrow(/must contain/);
  });
});

/** The README's table is the clients' reference: it must be what `npm run docs:errors` writes today. */
describe('README error code table', () => {
  const readme = readFileSync(README_PATH, 'utf8');

  it('is the table the catalogues produce (run npm run docs:errors when this fails)', () => {
    expect(readme).toBe(withErrorTable(readme, renderErrorTable()));
  });

  it('lists every declared code', () => {
    expect(ALL_ERRORS.filter((spec) => !readme.includes(`| \`${spec.code}\` |`)).map((spec) => spec.code)).toEqual([]);
  });
});
