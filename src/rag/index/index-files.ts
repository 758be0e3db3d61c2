import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { HierarchicalNSW } from 'hnswlib-node';

import { isDirectChild, tenantIndexDir } from 'src/rag/index/index-paths';
import { RagSearchErrors } from 'src/rag/rag-search.errors';

/** Bump when the file layout or meta shape changes: older files are then rebuilt, never misread. */
export const INDEX_FORMAT = 1;

export interface IndexMeta {
  format: number;
  modelId: string;
  dimension: number;
  kbVersion: number | null;
  checksum: string;
  /** Live vectors. */
  elementCount: number;
  /** Labels marked deleted: hnswlib persists the flag but offers no way to list them. */
  deletedLabels: number[];
  /** Size and SHA-256 of the index file, verified before the native reader ever sees it. */
  fileBytes: number;
  fileSha256: string;
  writtenAt: string;
}

export type IndexMetaInput = Omit<IndexMeta, 'format' | 'fileBytes' | 'fileSha256' | 'writtenAt'>;

/** Why a persisted index was not served; logged by the registry, and asserted by tests. */
export type UnusableReason = 'missing' | 'unreadable-meta' | 'model-mismatch' | 'stale' | 'corrupt';

export type VerifiedIndex = { ok: true; meta: IndexMeta } | { ok: false; reason: UnusableReason };

/**
 * The two files of one tenant's index under DATA_DIR/indexes/<businessId>/: `vectors.hnsw` (hnswlib's own format) and
 * `vectors.meta.json`. Both are written to temporary names and renamed, meta last, so a crash leaves either the old
 * pair or a meta that no longer matches the file's hash, and such a pair is rebuilt rather than loaded.
 */
export class IndexFiles {
  readonly directory: string;
  readonly indexPath: string;
  readonly metaPath: string;

  /** @param root the indexes root (DATA_DIR/indexes); the tenant's folder is always a direct child of it. */
  constructor(
    private readonly root: string,
    businessId: string,
  ) {
    this.directory = tenantIndexDir(root, businessId);
    this.indexPath = join(this.directory, 'vectors.hnsw');
    this.metaPath = join(this.directory, 'vectors.meta.json');
  }

  async write(index: HierarchicalNSW, input: IndexMetaInput): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    // Unique per write: two index objects of one tenant (an old one still finishing a job) may persist at once.
    const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const tmpIndex = `${this.indexPath}.${suffix}`;
    const tmpMeta = `${this.metaPath}.${suffix}`;
    await index.writeIndex(tmpIndex);
    const { bytes, sha256 } = await fingerprint(tmpIndex);
    const meta: IndexMeta = {
      format: INDEX_FORMAT,
      ...input,
      fileBytes: bytes,
      fileSha256: sha256,
      writtenAt: new Date().toISOString(),
    };
    await writeFile(tmpMeta, JSON.stringify(meta));
    await rename(tmpIndex, this.indexPath);
    await rename(tmpMeta, this.metaPath);
  }

  /** Checks meta, model, expected state and file hash, without loading anything into native code. */
  async verify(
    modelId: string,
    dimension: number,
    expected?: { kbVersion: number | null; checksum: string },
  ): Promise<VerifiedIndex> {
    let raw: string;
    try {
      raw = await readFile(this.metaPath, 'utf8');
    } catch {
      return { ok: false, reason: 'missing' };
    }
    const meta = parseMeta(raw);
    if (!meta) return { ok: false, reason: 'unreadable-meta' };
    if (meta.modelId !== modelId || meta.dimension !== dimension) return { ok: false, reason: 'model-mismatch' };
    if (expected && (meta.kbVersion !== expected.kbVersion || meta.checksum !== expected.checksum)) {
      return { ok: false, reason: 'stale' };
    }
    try {
      const size = (await stat(this.indexPath)).size;
      if (size !== meta.fileBytes) return { ok: false, reason: 'corrupt' };
      if ((await fingerprint(this.indexPath)).sha256 !== meta.fileSha256) return { ok: false, reason: 'corrupt' };
    } catch {
      return { ok: false, reason: 'corrupt' };
    }
    return { ok: true, meta };
  }

  async remove(): Promise<void> {
    // Checked again at the point of deletion: a recursive rm is the one call here that can destroy foreign data.
    if (!isDirectChild(this.root, this.directory)) throw RagSearchErrors.invalidTenantPath(basename(this.directory));
    await rm(this.directory, { recursive: true, force: true });
  }
}

function parseMeta(raw: string): IndexMeta | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const meta = value as Partial<IndexMeta>;
  const valid =
    meta.format === INDEX_FORMAT &&
    typeof meta.modelId === 'string' &&
    Number.isInteger(meta.dimension) &&
    (meta.kbVersion === null || Number.isInteger(meta.kbVersion)) &&
    typeof meta.checksum === 'string' &&
    Number.isInteger(meta.elementCount) &&
    Array.isArray(meta.deletedLabels) &&
    meta.deletedLabels.every((label) => Number.isInteger(label)) &&
    Number.isInteger(meta.fileBytes) &&
    typeof meta.fileSha256 === 'string';
  return valid ? (meta as IndexMeta) : null;
}

async function fingerprint(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
