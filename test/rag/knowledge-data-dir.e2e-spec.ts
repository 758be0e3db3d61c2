import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ADMIN_KEY_FILE } from 'src/common/auth/admin-key.provider';
import { GENERATED_KEY_FILE } from 'src/common/crypto/secret-cipher';
import { businessFactory } from 'test/factories/business.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, ingestDocuments, kbPath, search } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** Tenant ids that name files or folders the platform itself keeps in DATA_DIR. */
const COLLIDING_IDS = ['postgres', ADMIN_KEY_FILE, GENERATED_KEY_FILE, 'indexes'];

/** Every regular file under `dir` with its content, so a test can prove nothing changed. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, snapshot(dir, path));
    else out[path] = readFileSync(join(dir, path), 'utf8');
  }
  return out;
}

async function deleteTenant(t: TestApp, businessId: string): Promise<void> {
  await t.http
    .delete(`/admin/business/${businessId}`)
    .set(t.admin)
    .expect((res) => expect([200, 204, 404]).toContain(res.status));
}

describe('Knowledge-base index files in DATA_DIR', () => {
  it('deleting tenants named like DATA_DIR files removes only their own index folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kb-datadir-'));
    const t = await bootTestApp({ DATA_DIR: dataDir });
    try {
      // Left over from an interrupted run: these ids are fixed, unlike every other test tenant.
      for (const id of COLLIDING_IDS) await deleteTenant(t, id);
      mkdirSync(join(dataDir, 'postgres'));
      writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '16\n');
      writeFileSync(join(dataDir, ADMIN_KEY_FILE), 'generated-admin-key\n', { mode: 0o600 });
      writeFileSync(join(dataDir, 'embedded-pg.password'), 'pg-password\n', { mode: 0o600 });
      expect(existsSync(join(dataDir, GENERATED_KEY_FILE))).toBe(true);
      const bystander = await createTenant(t);
      await ingestDocuments(t, bystander, plumbingDocumentsFactory.build());
      await search(t, bystander, 'warranty');
      const before = snapshot(dataDir);

      for (const id of COLLIDING_IDS) {
        await createTenant(t, { businessId: id });
        await ingestDocuments(t, id, plumbingDocumentsFactory.build());
        await search(t, id, 'warranty');
        expect(existsSync(join(dataDir, 'indexes', id, 'vectors.meta.json'))).toBe(true);
      }
      for (const id of COLLIDING_IDS) {
        await t.http
          .delete(`/admin/business/${id}`)
          .set(t.admin)
          .expect((res) => expect([200, 204]).toContain(res.status));
        expect(existsSync(join(dataDir, 'indexes', id))).toBe(false);
      }

      expect(snapshot(dataDir)).toEqual(before);
      const found = await search(t, bystander, 'How long is the warranty on repairs?');
      expect(found.results[0].url).toBe('https://acme.example.com/warranty');
    } finally {
      for (const id of COLLIDING_IDS) await deleteTenant(t, id);
      await t.close();
    }
  });

  describe('ids that could name a path', () => {
    let t: TestApp;
    beforeAll(async () => (t = await bootTestApp()));
    afterAll(async () => t.close());

    it.each(['..', '.', '../postgres', 'a/../..', '.hidden'])(
      'refuses %p as a business id with 400',
      async (businessId) => {
        await t.http.post('/admin/business').set(t.admin).send(businessFactory.build({ businessId })).expect(400);
      },
    );
  });

  it('moves index folders of the old layout under DATA_DIR/indexes on start and serves them without a rebuild', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kb-legacy-'));
    const first = await bootTestApp({ DATA_DIR: dataDir });
    let id: string;
    try {
      id = await createTenant(first);
      await ingestDocuments(first, id, plumbingDocumentsFactory.build());
      await search(first, id, 'warranty');
    } finally {
      await first.close();
    }
    // Recreate what an older release left: DATA_DIR/<id>/vectors.*, beside a database folder and an unknown folder.
    const legacyDir = join(dataDir, id);
    mkdirSync(legacyDir);
    for (const file of readdirSync(join(dataDir, 'indexes', id)))
      renameSync(join(dataDir, 'indexes', id, file), join(legacyDir, file));
    rmdirSync(join(dataDir, 'indexes', id));
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '16\n');
    mkdirSync(join(dataDir, 'gone-tenant'));
    writeFileSync(join(dataDir, 'gone-tenant', 'vectors.meta.json'), '{}');
    const legacyFiles = snapshot(legacyDir);

    const second = await bootTestApp({ DATA_DIR: dataDir });
    try {
      expect(existsSync(legacyDir)).toBe(false);
      expect(snapshot(join(dataDir, 'indexes', id))).toEqual(legacyFiles);
      expect(readFileSync(join(dataDir, 'postgres', 'PG_VERSION'), 'utf8')).toBe('16\n');
      expect(readFileSync(join(dataDir, 'gone-tenant', 'vectors.meta.json'), 'utf8')).toBe('{}');
      const health = await second.http.get(kbPath(id, '/health')).set(second.admin).expect(200);
      expect(health.body.index).toMatchObject({ vectors: 3, lastOpenSource: 'disk' });
      const found = await search(second, id, 'How long is the warranty on repairs?');
      expect(found.results[0].url).toBe('https://acme.example.com/warranty');
    } finally {
      await second.close();
    }
  });
});
