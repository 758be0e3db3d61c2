import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';

import { TENANT_KEY_REVOKED_CHANNEL } from 'src/access/tenant-key.cache';
import { PubSub } from 'src/redis/pub-sub.port';
import { REDIS } from 'src/redis/redis-infra.module';
import { TENANT_CHANGED_CHANNEL } from 'src/tenant/tenant-config.cache';
import { issueKey, keysPath } from 'test/access/access-test-helpers';
import { createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

/**
 * Resolves when `app` receives a notice on `channel`. Subscribed after the app's own caches, so by the time it
 * resolves the app has handled the same notice (handlers run in subscription order).
 */
async function noticeOn(app: TestApp, channel: string, message: string): Promise<() => Promise<void>> {
  let received!: () => void;
  const arrived = new Promise<void>((resolve) => (received = resolve));
  const unsubscribe = await app.app.get(PubSub).subscribe(channel, (m) => m === message && received());
  return async () => {
    await arrived;
    await unsubscribe();
  };
}

/**
 * Waits until every notice `from` published on `channel` so far has reached `to`: Redis delivers one connection's
 * publishes in order, so once a marker published after them arrives, they have too.
 */
async function drainNotices(from: TestApp, to: TestApp, channel: string): Promise<void> {
  const marker = `drain-${randomUUID()}`;
  const arrived = await noticeOn(to, channel, marker);
  await from.app.get(PubSub).publish(channel, marker);
  await arrived();
}

describe('Tenant keys across instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'keys-a-')) });
    b = await bootTestApp({ DATA_DIR: mkdtempSync(join(tmpdir(), 'keys-b-')) });
  });
  afterAll(async () => {
    // @nestjs-modules/ioredis keeps its connections in a static set that the first app's shutdown clears.
    const clients = [a, b].map((x) => x.app.get<Redis>(REDIS, { strict: false }));
    await a.close();
    await b.close();
    for (const c of clients) c.disconnect();
  });

  it('a key revoked on one instance is refused by the other as soon as the notice arrives', async () => {
    const id = await createTenant(a);
    const key = await issueKey(a, id, 'editor');
    const lookupId = key.key.slice(4, 20);
    await a.http.get(`/admin/business/${id}`).set(key.headers).expect(200);
    // B has now resolved the key once and holds it in its cache.
    await b.http.get(`/admin/business/${id}`).set(key.headers).expect(200);
    await b.http.get(`/admin/business/${id}/crm`).set(key.headers).expect(200);

    const revokedOnB = await noticeOn(b, TENANT_KEY_REVOKED_CHANNEL, lookupId);
    await a.http
      .delete(keysPath(id, `/${key.keyId}`))
      .set(a.admin)
      .expect(200);
    await a.http.get(`/admin/business/${id}`).set(key.headers).expect(401);
    await revokedOnB();
    const refused = await b.http.get(`/admin/business/${id}`).set(key.headers);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('This API key has been revoked');
  });

  it('a tenant deleted on one instance takes its keys with it on the other', async () => {
    const id = await createTenant(a);
    const key = await issueKey(a, id, 'owner');
    await b.http.get(`/admin/business/${id}`).set(key.headers).expect(200);
    // The notice of the tenant's creation must not be mistaken for that of its deletion.
    await drainNotices(a, b, TENANT_CHANGED_CHANNEL);

    const changedOnB = await noticeOn(b, TENANT_CHANGED_CHANNEL, id);
    await a.http.delete(`/admin/business/${id}`).set(a.admin).expect(200);
    await changedOnB();
    const refused = await b.http.get(`/admin/business/${id}`).set(key.headers);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('AUTH.INVALID_KEY');
  });
});
