import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { DataSource } from 'typeorm';

import { CrmOutboxWorker } from 'src/crm/outbox/crm-outbox.worker';
import { SessionStore } from 'src/session/session-store.port';
import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

const SECRET = 'handoff-secret-0123456789';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A hand-off receiver that can be down (nothing listening on its port) and come back on the same port. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private server?: http.Server;
  port = 0;

  async reservePort(): Promise<void> {
    await this.up();
    await this.down();
  }

  up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    return new Promise((resolve) =>
      this.server!.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server!.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  down(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/handoff`;
  }
}

/** What a receiver does with the documented header: recompute the HMAC over "<t>.<raw body>" and compare. */
function verify(header: string | undefined, body: string, secret: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('Hand-off to a person (chat)', () => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await bootTestApp({ CRM_OUTBOX_POLL_MS: '0', CRM_OUTBOX_BASE_DELAY_MS: '10', CRM_HTTP_TIMEOUT_MS: '2000' });
    receiver = new Receiver();
    await receiver.reservePort();
  });
  afterAll(async () => {
    await receiver?.down();
    await t?.close();
  });

  const drain = () => t.app.get(CrmOutboxWorker).runOnce();

  it('hands off on the human_handoff intent, delivers the signed webhook once the receiver is back, lists and releases', async () => {
    const id = await createTenant(t, {
      handoff: { message: 'Connecting you with Dana now.', webhookUrl: receiver.url, webhookSecret: SECRET },
    });
    const visitor = chatter(t.http, id);
    await visitor.send('Hi, my email is ada@example.com').expect(200);
    const handed = await visitor.send('can I talk to a human please').expect(200);
    expect(handed.body.response).toContain('Connecting you with Dana now.');

    // The receiver is down: the attempt fails and the delivery waits in the outbox.
    const ds = t.app.get(DataSource);
    const [queued] = await ds.query<{ status: string; attempts: number }[]>(
      "SELECT status, attempts FROM crm_outbox WHERE business_id = $1 AND operation = 'handoff_webhook'",
      [id],
    );
    expect(['pending', 'processing']).toContain(queued.status);
    await new Promise((r) => setTimeout(r, 300));
    await drain();
    expect(receiver.deliveries).toHaveLength(0);

    await receiver.up();
    await new Promise((r) => setTimeout(r, 50));
    await drain();
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(verify(delivery.headers['x-concierge-signature'] as string, delivery.body, SECRET)).toBe(true);
    expect(verify(delivery.headers['x-concierge-signature'] as string, delivery.body, 'another-secret-000000')).toBe(
      false,
    );
    const payload = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      event: 'handoff',
      businessId: id,
      sessionId: visitor.sessionId,
      channel: 'chat',
      reason: 'intent:human_handoff',
      captured: { email: 'ada@example.com' },
    });
    expect(payload.messages).toEqual(expect.arrayContaining([{ role: 'user', text: 'can I talk to a human please' }]));

    // While handed off, the assistant stays out: a short note, no model reply, and the message is kept.
    const later = await visitor.send('What are your prices?').expect(200);
    expect(later.body.response).toBe('Thanks, a member of the team will reply here.');
    const details = await t.http.get(`/admin/business/${id}/sessions/${visitor.sessionId}`).set(t.admin).expect(200);
    expect(JSON.stringify(details.body)).toContain('What are your prices?');

    const list = await t.http.get(`/admin/business/${id}/handoffs`).set(t.admin).expect(200);
    expect(list.body.handoffs).toEqual([
      expect.objectContaining({ sessionId: visitor.sessionId, channel: 'chat', reason: 'intent:human_handoff' }),
    ]);

    await t.http.post(`/admin/business/${id}/sessions/${visitor.sessionId}/release`).set(t.admin).expect(200);
    const again = await t.http
      .post(`/admin/business/${id}/sessions/${visitor.sessionId}/release`)
      .set(t.admin)
      .expect(404);
    expect(again.body.code).toBe('HANDOFF.NOT_HANDED_OFF');
    expect((await t.http.get(`/admin/business/${id}/handoffs`).set(t.admin).expect(200)).body.handoffs).toEqual([]);
    const back = await visitor.send('What are your prices?').expect(200);
    expect(back.body.response).not.toBe('Thanks, a member of the team will reply here.');
  });

  it('stays handed off after the live session is evicted (the record is durable)', async () => {
    const id = await createTenant(t);
    const visitor = chatter(t.http, id);
    await visitor.send('Hello').expect(200);
    await visitor.send('connect me with an agent').expect(200);
    await t.app.get(SessionStore).delete(id, visitor.sessionId);
    const later = await visitor.send('are you there?').expect(200);
    expect(later.body.response).toBe('Thanks, a member of the team will reply here.');
  });

  it("hands off on a rule's handoff action, with the rule id recorded", async () => {
    const id = await createTenant(t, {
      rules: [
        {
          id: 'vip_to_sales',
          when: { '==': [{ var: 'metadata.plan' }, 'enterprise'] },
          then: [{ handoff: { reason: 'enterprise lead' } }],
        },
      ],
    });
    const visitor = chatter(t.http, id);
    await visitor.send('Hello').expect(200);
    const plain = await visitor.send('What do you do?').expect(200);
    expect(plain.body.response).not.toContain('member of the team');
    const handed = await visitor.send('What do you do?', { metadata: { plan: 'enterprise' } }).expect(200);
    expect(handed.body.response).toContain("I'm passing you to a member of the team");
    const list = await t.http.get(`/admin/business/${id}/handoffs`).set(t.admin).expect(200);
    expect(list.body.handoffs[0].reason).toBe('rule:enterprise lead');
    const details = await t.http.get(`/admin/business/${id}/sessions/${visitor.sessionId}`).set(t.admin).expect(200);
    expect(JSON.stringify(details.body)).toContain('vip_to_sales');
  });

  it('hands off after the configured number of negative messages in a row', async () => {
    const id = await createTenant(t, { handoff: { afterNegativeTurns: 2 } });
    const visitor = chatter(t.http, id);
    await visitor.send('Hello').expect(200);
    const first = await visitor.send('This is terrible, I am very angry and disappointed').expect(200);
    expect(first.body.response).not.toContain('member of the team');
    const second = await visitor.send('Awful service, I hate this, really bad').expect(200);
    expect(second.body.response).toContain("I'm passing you to a member of the team");
    const list = await t.http.get(`/admin/business/${id}/handoffs`).set(t.admin).expect(200);
    expect(list.body.handoffs[0].reason).toBe('negative_sentiment:2');
  });
});

describe('Hand-off settings at save', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ OUTBOUND_ALLOW_PRIVATE_URLS: 'false' });
  });
  afterAll(() => t?.close());

  it('refuses a webhook on a non-public address and every malformed setting (400, nothing saved), never returns the secret', async () => {
    const id = await createTenant(t);
    const refused = await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({ businessId: id, handoff: { webhookUrl: 'http://169.254.169.254/latest', webhookSecret: SECRET } })
      .expect(400);
    expect(refused.body.code).toBe('TENANT.INVALID_CONFIG');
    expect(refused.body.message).toContain('non-public address');
    const bad = await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({ businessId: id, handoff: { afterNegativeTurns: 0, webhookUrl: 'https://hooks.example.com/h' } })
      .expect(400);
    expect(bad.body.message).toContain('afterNegativeTurns');
    expect(bad.body.message).toContain('webhookSecret is required');

    await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({ businessId: id, handoff: { webhookUrl: 'https://hooks.example.com/h', webhookSecret: SECRET } })
      .expect(200);
    const saved = await t.http.get(`/admin/business/${id}`).set(t.admin).expect(200);
    expect(saved.body.config.handoff).toEqual({ webhookUrl: 'https://hooks.example.com/h', webhookSecretSet: true });
    expect(JSON.stringify(saved.body)).not.toContain(SECRET);
  });

  it('keeps the webhook secret encrypted at rest, bound to its business', async () => {
    const id = await createTenant(t);
    await t.http
      .post('/admin/business')
      .set(t.admin)
      .send({ businessId: id, handoff: { webhookUrl: 'https://hooks.example.com/h', webhookSecret: SECRET } })
      .expect(200);
    const [row] = (await t.app
      .get(DataSource)
      .query('SELECT handoff::text AS handoff FROM businesses WHERE business_id = $1', [id])) as { handoff: string }[];
    expect(row.handoff).not.toContain(SECRET);
    expect(JSON.parse(row.handoff).webhookSecret).toMatch(/^enc:v1\./);
  });
});
