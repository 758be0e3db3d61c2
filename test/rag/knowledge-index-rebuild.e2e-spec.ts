import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataSource } from 'typeorm';

import { KbChunkRepository } from 'src/rag/storage/kb-chunk.repository';
import { VectorIndexRegistry } from 'src/rag/vector-index.port';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, ingestDocuments, search } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, type TestApp } from 'test/support/test-app';

async function until(check: () => boolean, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Knowledge search while the vector index is being rebuilt', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kb-rebuild-')) });
  });

  afterAll(() => t.close());

  it('answers from keyword retrieval at once instead of waiting, then from the rebuilt index', async () => {
    const id = await createTenant(t);
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    const registry = t.app.get(VectorIndexRegistry);
    const chunks = t.app.get(KbChunkRepository);
    // The rebuild reads stored vectors from Postgres; holding that read keeps the rebuild running for the test.
    let releaseRebuild!: () => void;
    const held = new Promise<void>((resolve) => (releaseRebuild = resolve));
    const read = chunks.vectors.bind(chunks);
    const vectors = jest.spyOn(chunks, 'vectors').mockImplementation(async (...args) => {
      await held;
      return read(...args);
    });
    try {
      // As when the index was evicted, or this instance has just started and has no file.
      await registry.invalidate(id);
      await registry.drop(id);

      const during = await search(t, id, 'How long is the labour warranty on repairs?');
      await until(() => vectors.mock.calls.length > 0);
      const again = await search(t, id, 'How long is the labour warranty on repairs?');

      for (const outcome of [during, again]) {
        expect(outcome.results[0].url).toBe('https://acme.example.com/warranty');
        expect(outcome.results[0].keywordScore).toBeGreaterThan(0);
        expect(outcome.results.every((r) => r.vectorScore === 0)).toBe(true);
      }
      expect(registry.ready(id)).toBeNull();
      // One rebuild for both searches, still held: neither search waited for it.
      expect(vectors).toHaveBeenCalledTimes(1);
    } finally {
      releaseRebuild();
    }
    await until(() => registry.ready(id) !== null);
    vectors.mockRestore();

    const after = await search(t, id, 'How long is the labour warranty on repairs?');
    expect(after.results[0].url).toBe('https://acme.example.com/warranty');
    expect(after.results[0].vectorScore).toBeGreaterThan(0);
  }, 60_000);

  it("reads a page of stored vectors back bit for bit, by id (in any order), leaving out other models' chunks and unknown ids", async () => {
    const id = await createTenant(t);
    await ingestDocuments(t, id, plumbingDocumentsFactory.build());
    const db = t.app.get(DataSource);
    const stored: Array<{ id: number; embedding: Buffer; embedding_model: string }> = await db.query(
      'SELECT id, embedding, embedding_model FROM kb_chunks WHERE business_id = $1 ORDER BY id',
      [id],
    );
    expect(stored.length).toBeGreaterThan(2);
    const model = stored[0].embedding_model;
    const [other, ...kept] = stored;
    await db.query(`UPDATE kb_chunks SET embedding_model = 'another-model' WHERE business_id = $1 AND id = $2`, [
      id,
      other.id,
    ]);

    const page = await t.app
      .get(KbChunkRepository)
      .vectors(id, [...stored.map((c) => c.id)].reverse().concat([2_000_000_000]), model);

    page.sort((a, b) => a.id - b.id);
    expect(page.map((v) => v.id)).toEqual(kept.map((c) => c.id));
    page.forEach((v, i) => {
      expect(v.vector.length).toBe(kept[i].embedding.byteLength / 4);
      expect(Buffer.from(v.vector.buffer, v.vector.byteOffset, v.vector.byteLength).equals(kept[i].embedding)).toBe(
        true,
      );
    });
    expect(await t.app.get(KbChunkRepository).vectors(id, [other.id], model)).toEqual([]);
  }, 60_000);
});
