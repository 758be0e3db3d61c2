import { join } from 'node:path';

import { indexesRoot, isDirectChild, tenantIndexDir } from 'src/rag/index/index-paths';

describe('index paths', () => {
  const root = indexesRoot('/srv/data');

  it('puts every index under DATA_DIR/indexes, away from the database and key files', () => {
    expect(root).toBe('/srv/data/indexes');
    expect(tenantIndexDir(root, 'postgres')).toBe('/srv/data/indexes/postgres');
    expect(tenantIndexDir(root, 'indexes')).toBe('/srv/data/indexes/indexes');
  });

  it.each(['..', '.', '../postgres', 'a/b', '/etc', '', 'Upper', 'a'.repeat(65)])(
    'refuses %p as a tenant folder name',
    (businessId) => {
      expect(() => tenantIndexDir(root, businessId)).toThrow(
        expect.objectContaining({ code: 'RAG.INVALID_TENANT_PATH' }) as Error,
      );
    },
  );

  it('accepts only a folder exactly one level below the root', () => {
    expect(isDirectChild(root, join(root, 'acme'))).toBe(true);
    expect(isDirectChild(root, root)).toBe(false);
    expect(isDirectChild(root, join(root, 'acme', 'deeper'))).toBe(false);
    expect(isDirectChild(root, join(root, '..'))).toBe(false);
    expect(isDirectChild(root, join(root, '..', 'postgres'))).toBe(false);
    expect(isDirectChild(root, '/srv/data/indexes-other')).toBe(false);
    expect(isDirectChild(root, join(root, '..acme'))).toBe(true);
  });
});
