import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { migrateLegacyIndexLayout } from 'src/rag/index/legacy-index-layout';

describe(migrateLegacyIndexLayout.name, () => {
  let dataDir: string;
  const known = new Set(['acme', 'postgres', 'indexes', 'moved-before', 'linked']);
  const isKnown = (id: string) => Promise.resolve(known.has(id));
  const put = async (path: string, content: string) => {
    await mkdir(join(dataDir, path, '..'), { recursive: true });
    await writeFile(join(dataDir, path), content);
  };
  const read = (path: string) => readFile(join(dataDir, path), 'utf8');
  const gone = (path: string) => expect(stat(join(dataDir, path))).rejects.toMatchObject({ code: 'ENOENT' });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'legacy-layout-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("moves a known tenant's index files into DATA_DIR/indexes/<id>/ and removes the emptied old folder", async () => {
    await put('acme/vectors.hnsw', 'index');
    await put('acme/vectors.meta.json', 'meta');
    await put('acme/vectors.hnsw.123.0a1b2c3d.tmp', 'half-written');

    const result = await migrateLegacyIndexLayout(dataDir, isKnown);

    expect(result).toEqual({ moved: ['acme'], skipped: [] });
    expect(await read('indexes/acme/vectors.hnsw')).toBe('index');
    expect(await read('indexes/acme/vectors.meta.json')).toBe('meta');
    await gone('acme');
  });

  it('moves only the index files out of a folder that holds anything else, such as the embedded database', async () => {
    await put('postgres/PG_VERSION', '16');
    await put('postgres/base/1/1259', 'table');
    await put('postgres/vectors.meta.json', 'meta');

    await migrateLegacyIndexLayout(dataDir, isKnown);

    expect(await read('postgres/PG_VERSION')).toBe('16');
    expect(await read('postgres/base/1/1259')).toBe('table');
    expect(await read('indexes/postgres/vectors.meta.json')).toBe('meta');
    await gone('postgres/vectors.meta.json');
  });

  it('moves the old files of a tenant called "indexes" into its own folder under the indexes root', async () => {
    await put('indexes/vectors.hnsw', 'index');
    await put('indexes/vectors.meta.json', 'meta');
    await put('indexes/acme/vectors.meta.json', 'acme meta');

    await migrateLegacyIndexLayout(dataDir, isKnown);

    expect(await read('indexes/indexes/vectors.hnsw')).toBe('index');
    expect(await read('indexes/indexes/vectors.meta.json')).toBe('meta');
    expect(await read('indexes/acme/vectors.meta.json')).toBe('acme meta');
  });

  it('leaves key files, unknown tenants, non-index folders and symlinks untouched', async () => {
    await put('admin-api-key', 'admin');
    await put('crm-encryption-key', 'crm');
    await put('embedded-pg.password', 'pw');
    await put('deleted-tenant/vectors.meta.json', 'orphan');
    await put('acme/notes.txt', 'not an index');
    await mkdir(join(dataDir, 'elsewhere'));
    await writeFile(join(dataDir, 'elsewhere', 'vectors.meta.json'), 'foreign');
    await symlink(join(dataDir, 'elsewhere'), join(dataDir, 'linked'));

    const result = await migrateLegacyIndexLayout(dataDir, isKnown);

    expect(result).toEqual({ moved: [], skipped: [] });
    expect(await read('admin-api-key')).toBe('admin');
    expect(await read('crm-encryption-key')).toBe('crm');
    expect(await read('embedded-pg.password')).toBe('pw');
    expect(await read('deleted-tenant/vectors.meta.json')).toBe('orphan');
    expect(await read('acme/notes.txt')).toBe('not an index');
    expect(await read('elsewhere/vectors.meta.json')).toBe('foreign');
    await gone('indexes');
  });

  it('does nothing on a second run and never overwrites an index already in the new layout', async () => {
    await put('acme/vectors.meta.json', 'meta');
    await migrateLegacyIndexLayout(dataDir, isKnown);
    await put('moved-before/vectors.meta.json', 'old');
    await put('indexes/moved-before/vectors.meta.json', 'new');

    const again = await migrateLegacyIndexLayout(dataDir, isKnown);

    expect(again).toEqual({ moved: [], skipped: ['moved-before'] });
    expect(await read('indexes/acme/vectors.meta.json')).toBe('meta');
    expect(await read('indexes/moved-before/vectors.meta.json')).toBe('new');
    expect(await read('moved-before/vectors.meta.json')).toBe('old');
    expect((await readdir(join(dataDir, 'indexes'))).sort()).toEqual(['acme', 'moved-before']);
  });

  it('finds nothing to do when DATA_DIR does not exist yet', async () => {
    const result = await migrateLegacyIndexLayout(join(dataDir, 'absent'), isKnown);

    expect(result).toEqual({ moved: [], skipped: [] });
  });
});
