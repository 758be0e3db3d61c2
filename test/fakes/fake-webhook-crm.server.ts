import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

import { FakeCrmServer, RecordedRequest, Reply } from 'test/crm/fake-crm-base';

export type FakeWebhookAuth =
  | { type: 'api_key'; header: string; apiKey: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'hmac'; header: string; secret: string };

interface Contact {
  id: string;
  [field: string]: unknown;
}

/**
 * A small custom CRM with a conventional JSON REST API ({data: ...} envelopes, {error: ...} failures), the kind
 * tenants connect through the generic `webhook` adapter: contacts search/create/update, deals, a ping endpoint.
 */
export class FakeWebhookCrmServer extends FakeCrmServer {
  readonly contacts = new Map<string, Contact>();
  readonly deals = new Map<string, Record<string, unknown>>();

  constructor(readonly auth: FakeWebhookAuth) {
    super();
  }

  static async start(auth: FakeWebhookAuth): Promise<FakeWebhookCrmServer> {
    return new FakeWebhookCrmServer(auth).start();
  }

  protected route(req: RecordedRequest): Reply {
    if (!this.authorized(req)) return { status: 401, body: { error: 'invalid_credentials', message: 'Unauthorized' } };
    const url = new URL(req.path, 'http://fake');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.method === 'GET' && url.pathname === '/api/ping') return { status: 200, body: { ok: true } };
    if (req.method === 'GET' && url.pathname === '/api/contacts') {
      const email = url.searchParams.get('email');
      const phone = url.searchParams.get('phone');
      const hits = [...this.contacts.values()].filter(
        (c) => (email && String(c.email).toLowerCase() === email.toLowerCase()) || (phone && c.phone === phone),
      );
      return { status: 200, body: { data: hits } };
    }
    if (req.method === 'POST' && url.pathname === '/api/contacts') {
      if (typeof body.email !== 'string' && typeof body.phone !== 'string') {
        return { status: 422, body: { error: 'validation', message: 'email or phone is required' } };
      }
      const contact = { ...body, id: `c_${randomUUID().slice(0, 8)}` };
      this.contacts.set(contact.id, contact);
      return { status: 201, body: { data: contact } };
    }
    const m = /^\/api\/contacts\/([\w-]+)$/.exec(url.pathname);
    if (m && (req.method === 'PATCH' || req.method === 'PUT')) {
      const existing = this.contacts.get(m[1]);
      if (!existing) return { status: 404, body: { error: 'not_found', message: 'No such contact' } };
      Object.assign(existing, body, { id: existing.id });
      return { status: 200, body: { data: existing } };
    }
    if (req.method === 'POST' && url.pathname === '/api/deals') {
      const deal = { ...body, id: `d_${randomUUID().slice(0, 8)}` };
      this.deals.set(deal.id, deal);
      return { status: 201, body: { data: deal } };
    }
    return { status: 404, body: { error: 'not_found', message: `No route ${req.method} ${url.pathname}` } };
  }

  private authorized(req: RecordedRequest): boolean {
    const a = this.auth;
    const header = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    switch (a.type) {
      case 'api_key':
        return header(a.header) === a.apiKey;
      case 'bearer':
        return header('authorization') === `Bearer ${a.token}`;
      case 'basic':
        return header('authorization') === `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
      case 'hmac': {
        const parts = Object.fromEntries(
          (header(a.header) ?? '').split(',').map((p) => p.split('=') as [string, string]),
        );
        if (!parts.t || !parts.v1 || Math.abs(Date.now() / 1000 - Number(parts.t)) > 300) return false;
        const expected = createHmac('sha256', a.secret).update(`${parts.t}.${req.rawBody}`).digest();
        const given = Buffer.from(parts.v1, 'hex');
        return given.length === expected.length && timingSafeEqual(given, expected);
      }
    }
  }
}
