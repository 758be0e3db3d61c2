import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

import { ErrorReporter } from 'src/common/errors/error-reporter.port';
import { SentryErrorReporter } from 'src/metrics/sentry.error-reporter';
import { SessionStore } from 'src/session/session-store.port';
import { bootAppWith, createTenant, newSessionId } from 'test/chat/chat.support';
import type { TestApp } from 'test/support/test-app';

const EMAIL = 'jane.roe@example.com';
const PHONE = '+1 415 555 0199';

/** What Sentry's ingest endpoint receives: one envelope per request (header line, item header, item). */
class FakeSentryServer {
  readonly envelopes: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSentryServer> {
    const fake: FakeSentryServer = new FakeSentryServer(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          fake.envelopes.push({ url: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        });
      }),
    );
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get dsn(): string {
    return `http://publickey@127.0.0.1:${(this.server.address() as AddressInfo).port}/42`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A session store whose every call fails with an error message that carries a visitor's details. */
class BrokenSessionStore extends SessionStore {
  private fail(): never {
    throw new Error(`session backend rejected lead ${EMAIL} / ${PHONE}`);
  }
  get = () => this.fail();
  save = () => this.fail();
  delete = () => this.fail();
  deleteAllForTenant = () => this.fail();
  withLock = () => this.fail();
}

describe('Sentry error reporting (the real SDK against a fake Sentry endpoint)', () => {
  let sentry: FakeSentryServer;
  let t: TestApp;

  beforeAll(async () => {
    sentry = await FakeSentryServer.start();
    t = await bootAppWith([[SessionStore, new BrokenSessionStore()]], { SENTRY_DSN: sentry.dsn });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sentry.close();
  });

  it('reports an unexpected error tagged with the error id the client got, without PII or credentials', async () => {
    const businessId = await createTenant(t);
    const res = await t.http
      .post('/chat')
      .set('Authorization', 'Bearer secret-bearer-value-123456')
      .send({ business_id: businessId, session_id: newSessionId(), message: `Hi, I am ${EMAIL}, call ${PHONE}` })
      .expect(500);
    const errorId = /error id ([0-9a-f-]{36})/.exec(res.body.message as string)![1];

    await (t.app.get(ErrorReporter) as SentryErrorReporter).flush();
    expect(sentry.envelopes).toHaveLength(1);
    const [envelope] = sentry.envelopes;
    expect(envelope.url).toMatch(/^\/api\/42\/envelope\//);
    const [, itemHeader, item] = envelope.body.split('\n');
    expect(JSON.parse(itemHeader)).toMatchObject({ type: 'event' });
    const event = JSON.parse(item) as {
      tags: Record<string, string>;
      exception: { values: { type: string; value: string }[] };
      request?: unknown;
      user?: unknown;
    };
    expect(event.tags).toMatchObject({ error_id: errorId, 'http.method': 'POST', 'http.route': '/chat' });
    expect(event.exception.values[0]).toMatchObject({
      type: 'Error',
      value: 'session backend rejected lead [redacted] / [redacted]',
    });
    expect(event.request).toBeUndefined();
    expect(event.user).toBeUndefined();
    for (const secret of [EMAIL, PHONE, '4155550199', 'secret-bearer-value', businessId]) {
      expect(envelope.body).not.toContain(secret);
    }
  });

  it('sends nothing for expected (coded) errors', async () => {
    const before = sentry.envelopes.length;
    await t.http.post('/chat').send({ business_id: 'no-such-tenant', message: 'hi' }).expect(404);
    await (t.app.get(ErrorReporter) as SentryErrorReporter).flush();
    expect(sentry.envelopes).toHaveLength(before);
  });
});
