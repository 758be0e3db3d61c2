import { DataSource } from 'typeorm';

import { CrmTools } from 'src/crm/crm-tools.port';
import { CrmOutboxWorker } from 'src/crm/outbox/crm-outbox.worker';
import { createTenant, leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import { bootTestApp, TestApp } from 'test/support/test-app';

describe('CRM outbox across instances', () => {
  let one: TestApp;
  let two: TestApp;
  let hubspot: FakeHubspotServer;
  const key = Buffer.alloc(32, 7).toString('base64');

  beforeAll(async () => {
    hubspot = await FakeHubspotServer.start();
    // Both instances share the encryption key, as production instances do; their own pollers are off.
    const env = {
      CRM_OUTBOX_POLL_MS: '0',
      CRM_ENCRYPTION_KEY: key,
      CRM_HTTP_TIMEOUT_MS: '400',
      CRM_SYNC_TIMEOUT_MS: '1000',
    };
    one = await bootTestApp(env);
    two = await bootTestApp(env);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await hubspot.stop();
  });

  it('delivers each queued write exactly once when two instances drain the outbox at the same time', async () => {
    const id = await createTenant(one);
    await one.http
      .put(`/admin/business/${id}/crm`)
      .set(one.admin)
      .send({
        type: 'hubspot',
        credentials: { accessToken: hubspot.accessToken },
        options: { apiBaseUrl: hubspot.baseUrl },
      })
      .expect(200);
    const leads = Array.from({ length: 6 }, () => leadFactory.build());
    hubspot.failNext({ kind: 'status', status: 503, body: { status: 'error', message: 'down' } }, { times: 6 });
    for (const lead of leads) {
      expect(await one.app.get(CrmTools).execute('create_contact', {}, toolContext(id, lead))).toMatchObject({
        queued: true,
      });
    }
    const db = one.app.get(DataSource);
    await db.query(`UPDATE crm_outbox SET next_attempt_at = now() WHERE business_id = $1`, [id]);
    // Earlier suites' undelivered items (receivers long gone, each attempt waiting out a timeout) would otherwise
    // take every pass; they are not this test's concern, so they wait until it is over.
    await db.query(
      `UPDATE crm_outbox SET next_attempt_at = now() + interval '1 hour', locked_until = now() + interval '1 hour'
        WHERE business_id <> $1 AND status IN ('pending', 'processing')`,
      [id],
    );
    const createsBefore = hubspot.count('POST', /^\/crm\/v3\/objects\/contacts$/);

    // Both instances drain side by side, pass after pass: due items of other suites' tenants may take the first
    // passes, and each pass moves them past this suite's items, so the loop ends once this tenant's items are done.
    const statuses = async () =>
      ((await one.http.get(`/admin/business/${id}/crm/outbox`).set(one.admin)).body as { status: string }[]).map(
        (i) => i.status,
      );
    for (let pass = 0; pass < 50 && (await statuses()).some((s) => s !== 'done'); pass++) {
      await Promise.all([one.app.get(CrmOutboxWorker).runOnce(), two.app.get(CrmOutboxWorker).runOnce()]);
    }

    expect(await statuses()).toEqual(Array(6).fill('done'));
    for (const lead of leads) {
      expect([...hubspot.contacts.values()].filter((c) => c.properties.email === lead.email)).toHaveLength(1);
    }
    expect(hubspot.count('POST', /^\/crm\/v3\/objects\/contacts$/) - createsBefore).toBe(6);
  });

  it('deletes delivered items past the retention period and keeps the rest', async () => {
    const id = await createTenant(one);
    const tools = one.app.get(CrmTools);
    await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
    await tools.execute('create_contact', {}, toolContext(id, leadFactory.build()));
    const db = one.app.get(DataSource);
    const [old] = (await db.query(`SELECT id FROM crm_outbox WHERE business_id = $1 ORDER BY created_at LIMIT 1`, [
      id,
    ])) as { id: string }[];
    await db.query(`UPDATE crm_outbox SET updated_at = now() - interval '31 days' WHERE id = $1`, [old.id]);

    // A freshly booted worker purges on its first pass.
    const fresh = await bootTestApp({ CRM_OUTBOX_POLL_MS: '0', CRM_ENCRYPTION_KEY: key });
    try {
      await fresh.app.get(CrmOutboxWorker).runOnce();
    } finally {
      await fresh.close();
    }
    const left = (await db.query(`SELECT id FROM crm_outbox WHERE business_id = $1`, [id])) as { id: string }[];
    expect(left).toHaveLength(1);
    expect(left[0].id).not.toBe(old.id);
  });
});
