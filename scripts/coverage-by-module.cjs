#!/usr/bin/env node
// @ts-check
/**
 * `node scripts/coverage-by-module.cjs [coverage/coverage-summary.json]`: after `jest --coverage`, prints statement and
 * branch coverage per module (`src/<module>/`, files directly under `src/` as `(root)`) as a Markdown table, the form
 * the README's "Coverage" section uses. Jest's own summary is per file or one total; a module is the unit we own.
 */
const { readFileSync } = require('node:fs');
const { join, relative, resolve, sep } = require('node:path');

/** @typedef {{ total: number, covered: number }} Count */

// npm runs scripts from the package root, which is also Jest's rootDir.
const root = process.cwd();
const file = resolve(process.argv[2] ?? join('coverage', 'coverage-summary.json'));
/** @type {Record<string, { statements: Count, branches: Count }>} */
const summary = JSON.parse(readFileSync(file, 'utf8'));

/** @type {Map<string, { statements: Count, branches: Count }>} */
const modules = new Map();
for (const [path, counts] of Object.entries(summary)) {
  if (path === 'total') continue;
  const parts = relative(root, path).split(sep);
  if (parts[0] !== 'src') continue;
  const name = parts.length > 2 ? parts[1] : '(root)';
  const sum = modules.get(name) ?? { statements: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } };
  for (const kind of /** @type {const} */ (['statements', 'branches'])) {
    sum[kind].total += counts[kind].total;
    sum[kind].covered += counts[kind].covered;
  }
  modules.set(name, sum);
}

/** @param {Count} c */
const pct = (c) => (c.total ? ((100 * c.covered) / c.total).toFixed(1) : '100.0');
const rows = [...modules.entries()].sort(([a], [b]) => a.localeCompare(b));
/** @type {Count} */
const statements = { total: 0, covered: 0 };
/** @type {Count} */
const branches = { total: 0, covered: 0 };
for (const [, c] of rows) {
  statements.total += c.statements.total;
  statements.covered += c.statements.covered;
  branches.total += c.branches.total;
  branches.covered += c.branches.covered;
}
console.log('| Module | Statements % | Branches % |');
console.log('| --- | ---: | ---: |');
for (const [name, c] of rows) console.log(`| ${name} | ${pct(c.statements)} | ${pct(c.branches)} |`);
console.log(`| **all of src/** | **${pct(statements)}** | **${pct(branches)}** |`);
