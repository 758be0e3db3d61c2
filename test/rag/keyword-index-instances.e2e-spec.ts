import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';

import { KeywordIndexCache } from 'src/rag/search/keyword-index.cache';
import { REDIS } from 'src/redis/redis-infra.module';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { createTenant, ingestDocuments, search } from 'test/rag/knowledge-test-helpers';
import { bootTestApp, TestApp } from 'test/support/test-app';

/** Waits for what only a pub/sub notice can cause: well under the 2 s active-version TTL, and no search runs on B. */
async function soon(check: () => void, withinMs = 1000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('In-memory keyword index across instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kw-a-')) });
    b = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kw-b-')) });
  });

  afterAll(async () => {
    // As in knowledge-instances: the first app's shutdown forgets the second app's Redis client, so close both here.
    const clients = [a, b].map((x) => x?.app.get<Redis>(REDIS, { strict: false }));
    await a?.close();
    await b?.close();
    for (const c of clients) c?.disconnect();
  });

  it('a knowledge-base change on one instance replaces the keyword index on the other before its next turn', async () => {
    const id = await createTenant(a);
    await ingestDocuments(a, id, plumbingDocumentsFactory.build());
    const keywordOnB = b.app.get(KeywordIndexCache);
    await search(b, id, 'When is the office open?');
    await keywordOnB.settled(id);
    expect(keywordOnB.heldVersion(id)).toBe(1);

    await ingestDocuments(a, id, plumbingDocumentsFactory.build({ hours: 'Open every day from 7am to 9pm.' }));
    // B searches nothing meanwhile: only the notice from A can move its index to version 2.
    await soon(() => expect(keywordOnB.heldVersion(id)).toBe(2));
    const found = await search(b, id, 'open every day');
    expect(found.version).toBe(2);
    expect(found.results[0].text).toContain('every day');
    expect(found.results[0].keywordScore).toBeGreaterThan(0);

    await a.http.delete(`/admin/business/${id}`).set(a.admin).expect(200);
    await soon(() => expect(keywordOnB.heldVersion(id)).toBeNull());
  });
});
