import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A secret kept in a file under DATA_DIR, created (32 random bytes, base64url, mode 0600) when missing. For
 * development only: production configures its secrets, which env validation enforces. `created` lets the caller
 * log the file's location once, never the secret.
 */
export function readOrCreateSecretFile(
  dataDir: string,
  name: string,
): { value: string; file: string; created: boolean } {
  const dir = resolve(dataDir);
  const file = join(dir, name);
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (err) {
      // Another instance sharing DATA_DIR created it first; use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { value: readFileSync(file, 'utf8').trim(), file, created };
}
