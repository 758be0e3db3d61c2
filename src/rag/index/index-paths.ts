import { isAbsolute, relative, resolve, sep } from 'node:path';

import { RagSearchErrors } from 'src/rag/rag-search.errors';

/**
 * Index folders live under DATA_DIR/indexes/, never beside the embedded database and the generated keys in DATA_DIR
 * itself: a tenant id is chosen by whoever creates the tenant, and ids like `postgres` or `admin-api-key` once named
 * (and, on tenant deletion, removed) exactly those files.
 */
export const INDEXES_FOLDER = 'indexes';

/** Same shape as tenant ids (BUSINESS_ID_PATTERN); re-checked here because the id becomes a folder name. */
export const SAFE_TENANT_DIR = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function indexesRoot(dataDir: string): string {
  return resolve(dataDir, INDEXES_FOLDER);
}

/** The tenant's own folder under `root`; refuses any id that is not a plain folder name or resolves elsewhere. */
export function tenantIndexDir(root: string, businessId: string): string {
  if (!SAFE_TENANT_DIR.test(businessId)) throw RagSearchErrors.invalidTenantPath(businessId);
  const directory = resolve(root, businessId);
  if (!isDirectChild(root, directory)) throw RagSearchErrors.invalidTenantPath(businessId);
  return directory;
}

/** True only for a folder exactly one level below `root` (not `root` itself, not a grandchild, not outside). */
export function isDirectChild(root: string, directory: string): boolean {
  const rel = relative(resolve(root), resolve(directory));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) && !rel.includes(sep);
}
