import type { Dirent } from 'node:fs';
import { lstat, mkdir, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { INDEXES_FOLDER, indexesRoot, SAFE_TENANT_DIR, tenantIndexDir } from 'src/rag/index/index-paths';

/** Written in this order, as IndexFiles.write does: meta last, so a crash between leaves a pair that is rebuilt. */
const INDEX_FILE = 'vectors.hnsw';
const META_FILE = 'vectors.meta.json';
/** Leftovers of an interrupted IndexFiles.write (`vectors.hnsw.<pid>.<hex>.tmp`); nothing else is ever deleted. */
const WRITE_LEFTOVER = /^vectors\.(?:hnsw|meta\.json)\.\d+\.[0-9a-f]{8}\.tmp$/;

export interface LegacyLayoutResult {
  moved: string[];
  /** Known tenants whose new folder already had an index; their old files are left where they are. */
  skipped: string[];
}

/**
 * Moves index files of the old layout (DATA_DIR/<businessId>/vectors.*) into DATA_DIR/indexes/<businessId>/. Only
 * folders named like a tenant id, holding index files, of a tenant that still exists are touched, and only the index
 * files themselves move: a folder that also holds anything else (the embedded database of a tenant once called
 * `postgres`) keeps it. Running it again finds nothing to do; a second instance racing on the same DATA_DIR finds
 * the files gone and moves on.
 */
export async function migrateLegacyIndexLayout(
  dataDir: string,
  isKnownTenant: (businessId: string) => Promise<boolean>,
): Promise<LegacyLayoutResult> {
  const result: LegacyLayoutResult = { moved: [], skipped: [] };
  const base = resolve(dataDir);
  const root = indexesRoot(dataDir);
  let entries: Dirent[];
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw err;
  }
  for (const entry of entries) {
    // Symlinks are not followed: a link is not a folder this platform created.
    if (!entry.isDirectory() || !SAFE_TENANT_DIR.test(entry.name)) continue;
    const legacy = join(base, entry.name);
    const present = await regularFiles(legacy, [INDEX_FILE, META_FILE]);
    if (!present.length || !(await isKnownTenant(entry.name))) continue;
    const target = tenantIndexDir(root, entry.name);
    if ((await regularFiles(target, [META_FILE])).length) {
      result.skipped.push(entry.name);
      continue;
    }
    await mkdir(target, { recursive: true });
    for (const file of present) await moveIfPresent(join(legacy, file), join(target, file));
    await removeWriteLeftovers(legacy);
    // The old folder goes only when nothing else is in it; the indexes root is the old folder of a tenant `indexes`.
    if (entry.name !== INDEXES_FOLDER) await rmdir(legacy).catch(() => undefined);
    result.moved.push(entry.name);
  }
  return result;
}

async function regularFiles(directory: string, names: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const info = await lstat(join(directory, name)).catch(() => null);
    if (info?.isFile()) found.push(name);
  }
  return found;
}

async function moveIfPresent(from: string, to: string): Promise<void> {
  await rename(from, to).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

async function removeWriteLeftovers(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) if (WRITE_LEFTOVER.test(name)) await unlink(join(directory, name)).catch(() => undefined);
}
