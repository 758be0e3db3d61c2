import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Redis from 'ioredis';

import { PubSub } from 'src/redis/pub-sub.port';
import { REDIS } from 'src/redis/redis-infra.module';
import { TENANT_CHANGED_CHANNEL } from 'src/tenant/tenant-config.cache';
import { chatter } from 'test/chat/chat.support';
import { callSid } from 'test/factories/voice.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { ingestDocuments } from 'test/rag/knowledge-test-helpers';
import { TEST_REDIS_URL } from 'test/support/services';
import { bootTestApp, TestApp } from 'test/support/test-app';
import { PUBLIC_BASE_URL } from 'test/voice/support/twilio-signing';
import { createVoiceTenant, ringWebhook } from 'test/voice/support/voice-call-harness';

/** Every key in the test Redis database, whatever its namespace. */
async function allKeys(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Resolves once `check` holds, polling an event log filled by a subscriber; fails after `withinMs`. */
async function until(check: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Two deployments with different REDIS_KEY_PREFIX values on one Redis database (and, here, one Postgres): each
 * runs chat turns, a knowledge ingestion (BullMQ), a voice webhook (call ticket) and tenant changes (pub/sub).
 */
describe('Two deployments sharing one Redis (REDIS_KEY_PREFIX)', () => {
  const run = randomBytes(4).toString('hex');
  const prefixes = [`ns-a-${run}:`, `ns-b-${run}:`] as const;
  let apps: TestApp[];
  let raw: Redis;
  let observer: Redis;
  const published: Array<{ channel: string; message: string }> = [];
  let keysBefore: Set<string>;

  beforeAll(async () => {
    raw = new Redis(TEST_REDIS_URL);
    keysBefore = new Set(await allKeys(raw));
    // Pub/sub ignores the database number: this sees the whole server, so messages are picked out by tenant id.
    observer = new Redis(TEST_REDIS_URL);
    observer.on('pmessage', (_pattern: string, channel: string, message: string) =>
      published.push({ channel, message }),
    );
    await observer.psubscribe('*');
    apps = [];
    for (const prefix of prefixes) {
      apps.push(
        await bootTestApp({ REDIS_KEY_PREFIX: prefix, PUBLIC_BASE_URL, DATA_DIR: mkdtempSync(join(tmpdir(), 'ns-')) }),
      );
    }
  });

  afterAll(async () => {
    // @nestjs-modules/ioredis's static connection set is emptied by the first app's shutdown (see knowledge-instances).
    const clients = apps.map((t) => t.app.get<Redis>(REDIS, { strict: false }));
    for (const t of apps) await t.close();
    for (const c of clients) c.disconnect();
    observer.disconnect();
    raw.disconnect();
  });

  it('keeps every key and channel of each deployment under its own prefix', async () => {
    const tenants: string[] = [];
    for (const t of apps) {
      const tenant = await createVoiceTenant(t);
      tenants.push(tenant.businessId);
      const c = chatter(t.http, tenant.businessId);
      expect((await c.send('hi')).status).toBe(200);
      expect((await c.send('my email is ns@example.com')).status).toBe(200);
      expect((await ingestDocuments(t, tenant.businessId, plumbingDocumentsFactory.build())).status).toBe('completed');
      await ringWebhook(t, tenant, callSid());
    }

    const created = (await allKeys(raw)).filter((k) => !keysBefore.has(k));
    expect(created.filter((k) => !prefixes.some((p) => k.startsWith(p)))).toEqual([]);
    prefixes.forEach((p, i) => {
      const id = tenants[i];
      expect(created).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${p}chat:${id}:`)),
          expect.stringMatching(new RegExp(`^${p}\\{ratelimit:chat:`)),
          expect.stringMatching(new RegExp(`^${p}bull:kb-ingest-`)),
          expect.stringMatching(new RegExp(`^${p}voice-ticket:${id}:`)),
        ]),
      );
    });

    const expected = prefixes.flatMap((p, i) => [
      { channel: `${p}tenant:changed`, message: tenants[i] },
      { channel: `${p}kb:version-changed`, message: expect.stringContaining(tenants[i]) as string },
    ]);
    const about = () => published.filter((m) => tenants.some((id) => m.message.includes(id)));
    await until(() => expected.every((e) => about().some((m) => m.channel === e.channel)));
    expect(about()).toEqual(expect.arrayContaining(expected));
    // Each tenant's notices went out under its own deployment's prefix only.
    const owner = (message: string) => prefixes[tenants.findIndex((id) => message.includes(id))];
    expect(about().filter((m) => !m.channel.startsWith(owner(m.message)))).toEqual([]);
  });

  it("does not deliver one deployment's cache invalidation to the other", async () => {
    const [a, b] = apps;
    const heard: string[][] = [[], []];
    const unsubscribe = await Promise.all(
      apps.map((t, i) => t.app.get(PubSub).subscribe(TENANT_CHANGED_CHANNEL, (m) => heard[i].push(m))),
    );
    try {
      const tenant = await createVoiceTenant(a);
      await a.http
        .post('/admin/business')
        .set(a.admin)
        .send({ businessId: tenant.businessId, greetingMessage: 'Changed on A' })
        .expect(200);
      await until(() => heard[0].includes(tenant.businessId));
      // Redis delivers in the order it ran the PUBLISHes: once B hears its own later notice, A's would have come first.
      const marker = `marker-${run}`;
      await b.app.get(PubSub).publish(TENANT_CHANGED_CHANNEL, marker);
      await until(() => heard[1].includes(marker));
      expect(heard[1]).toEqual([marker]);
    } finally {
      await Promise.all(unsubscribe.map((u) => u()));
    }
  });
});
