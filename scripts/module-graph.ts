import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run docs:graph`: rewrites the module graph in README.md (between the markers below) from a dependency-cruiser
 * run over src/, one node per module folder. `--check` rewrites nothing and exits 1 when the README's graph is stale,
 * so `npm run depcruise` fails until the README is regenerated.
 */
const ROOT = join(__dirname, '..');
const README = join(ROOT, 'README.md');
const START = '<!-- module-graph:start (npm run docs:graph) -->';
const END = '<!-- module-graph:end -->';
// Every module may use the shared kernel; drawing those edges would hide the ones that matter.
const LEFT_OUT = ['common', 'config', 'types'];

function cruiseEdges(): string[] {
  const mermaid = execFileSync(
    join(ROOT, 'node_modules', '.bin', 'depcruise'),
    [
      'src',
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'mermaid',
      '--include-only',
      '^src/[^/]+/',
      '--exclude',
      `\\.spec\\.ts$|^src/(${LEFT_OUT.join('|')})/`,
      '--collapse',
      '^src/[^/]+',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const edges = mermaid
    .split('\n')
    .map((line) => /^src_([a-z-]+)-->src_([a-z-]+)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, from, to]) => `  ${from} --> ${to}`);
  // Sorted, so the block changes only when a dependency does.
  return [...new Set(edges)].sort();
}

function renderBlock(edges: string[]): string {
  return [START, '```mermaid', 'flowchart LR', ...edges, '```', END].join('\n');
}

function main(): void {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  const updated = readme.slice(0, start) + renderBlock(cruiseEdges()) + readme.slice(end + END.length);
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md module graph is stale: run `npm run docs:graph` and commit the result.');
      process.exit(1);
    }
    return;
  }
  if (updated !== readme) writeFileSync(README, updated);
}

main();
