import { CrmTools } from 'src/crm/crm-tools.port';
import { MetricsServer } from 'src/metrics/metrics.server';
import { chatter, createTenant } from 'test/chat/chat.support';
import { leadFactory, toolContext } from 'test/crm/crm-test-helpers';
import { uniqueBusinessId } from 'test/factories/business.factory';
import { FakeGeminiServer } from 'test/fakes/fake-gemini.server';
import { FakeHubspotServer } from 'test/fakes/fake-hubspot.server';
import { sample, scrape } from 'test/metrics/metrics.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

const TOKEN = 'metrics-token-0123456789abcdef';
const ANSWER = 'We are open Monday to Friday from 8am to 6pm.';

describe('GET /metrics on the main port (METRICS_TOKEN)', () => {
  let fake: FakeGeminiServer;
  let hubspot: FakeHubspotServer;
  let t: TestApp;
  // Opted in by METRICS_TENANT_LABELS: its series carry its id; every other tenant is "other".
  const labelled = uniqueBusinessId('metrics');

  beforeAll(async () => {
    fake = await FakeGeminiServer.start();
    fake.defaultReply = () => FakeGeminiServer.text(ANSWER);
    hubspot = await FakeHubspotServer.start();
    t = await bootTestApp({
      METRICS_TOKEN: TOKEN,
      METRICS_TENANT_LABELS: `${labelled},someone-else`,
      GEMINI_API_KEY: 'test-gemini-key',
      GEMINI_BASE_URL: fake.baseUrl,
      RESPONSE_CACHE_TTL_S: '60',
      CRM_OUTBOX_POLL_MS: '0',
      CRM_HTTP_TIMEOUT_MS: '400',
      CRM_SYNC_TIMEOUT_MS: '1000',
    });
    await createTenant(t, { businessId: labelled });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await fake.close();
    await hubspot.stop();
  });

  it('answers 401 with a coded error without the bearer token or with another one', async () => {
    const missing = await t.http.get('/metrics').expect(401);
    expect(missing.body).toMatchObject({ statusCode: 401, code: 'METRICS.UNAUTHORIZED' });
    const wrong = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    expect(wrong.body.code).toBe('METRICS.UNAUTHORIZED');
    await t.http.get('/metrics').set('X-Admin-API-Key', t.admin['X-Admin-API-Key']).expect(401);
  });

  it('serves the Prometheus exposition with process metrics to the bearer token', async () => {
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(sample(res.text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(res.text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts HTTP requests by route template and status, never by raw URL', async () => {
    await t.http.get(`/admin/business/${labelled}`).set(t.admin).expect(200);
    await t.http.get('/no-such-page-7f3a').expect(404);
    const text = await scrape(t, TOKEN);
    const count = 'concierge_http_request_duration_seconds_count';
    expect(sample(text, count, { method: 'GET', route: '/admin/business/:id', status: '200' })).toBeGreaterThan(0);
    expect(sample(text, count, { route: 'unmatched', status: '404' })).toBeGreaterThan(0);
    expect(text).not.toContain('no-such-page-7f3a');
    expect(text).not.toContain(`/admin/business/${labelled}`);
  });

  it('moves turn, step, model, token, cost and retrieval metrics after a chat turn', async () => {
    const before = await scrape(t, TOKEN);
    const c = chatter(t.http, labelled);
    await c.send('Do you fix leaking taps on weekends?').expect(200);
    const after = await scrape(t, TOKEN);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    const turn = { tenant: labelled, channel: 'chat', outcome: 'ok' };
    expect(moved('concierge_chat_turn_duration_seconds_count', turn)).toBe(1);
    expect(moved('concierge_chat_step_duration_seconds_count', { step: 'retrieval' })).toBe(1);
    expect(moved('concierge_chat_step_duration_seconds_count', { step: 'model' })).toBeGreaterThanOrEqual(1);
    const model = { provider: 'gemini', model: 'gemini-2.5-flash' };
    expect(moved('concierge_model_calls_total', { ...model, operation: 'generate', outcome: 'ok' })).toBe(1);
    expect(moved('concierge_model_tokens_total', { ...model, direction: 'input' })).toBeGreaterThan(0);
    expect(moved('concierge_model_tokens_total', { ...model, direction: 'output' })).toBeGreaterThan(0);
    expect(moved('concierge_model_cost_usd_total', model)).toBeGreaterThan(0);
    expect(moved('concierge_retrieval_duration_seconds_count', { tenant: labelled })).toBe(1);
    expect(moved('concierge_http_request_duration_seconds_count', { method: 'POST', route: '/chat' })).toBe(1);
    // Session ids never become labels.
    expect(after).not.toContain(c.sessionId);
  });

  it('folds tenants that were not opted in into "other"', async () => {
    const other = await createTenant(t);
    await chatter(t.http, other).send('hi').expect(200);
    const text = await scrape(t, TOKEN);
    expect(sample(text, 'concierge_chat_turn_duration_seconds_count', { tenant: 'other' })).toBeGreaterThan(0);
    expect(text).not.toContain(other);
  });

  it('counts a response-cache hit when a second new session asks the same question', async () => {
    const question = 'What are your opening hours on public holidays?';
    const hits = async () =>
      sample(await scrape(t, TOKEN), 'concierge_response_cache_lookups_total', { tenant: labelled, result: 'hit' }) ??
      0;
    const misses = async () =>
      sample(await scrape(t, TOKEN), 'concierge_response_cache_lookups_total', { tenant: labelled, result: 'miss' }) ??
      0;
    const [hits0, misses0] = [await hits(), await misses()];
    await chatter(t.http, labelled).send(question).expect(200);
    expect(await misses()).toBe(misses0 + 1);
    await chatter(t.http, labelled).send(question).expect(200);
    expect(await hits()).toBe(hits0 + 1);
  });

  it('counts a failed CRM delivery and shows the item in the outbox depth', async () => {
    const id = await createTenant(t);
    await t.http
      .put(`/admin/business/${id}/crm`)
      .set(t.admin)
      .send({
        type: 'hubspot',
        credentials: { accessToken: hubspot.accessToken },
        options: { apiBaseUrl: hubspot.baseUrl },
      })
      .expect(200);
    const failures = (text: string) =>
      sample(text, 'concierge_crm_delivery_failures_total', { operation: 'upsert_contact', final: 'false' }) ?? 0;
    const before = await scrape(t, TOKEN);
    hubspot.failNext({ kind: 'status', status: 503, body: { status: 'error', message: 'down' } });
    const outcome = await t.app.get(CrmTools).execute('create_contact', {}, toolContext(id, leadFactory.build()));
    expect(outcome).toMatchObject({ queued: true });
    const after = await scrape(t, TOKEN);
    expect(failures(after)).toBe(failures(before) + 1);
    // Platform-wide: other suites' items may be open too, so at least this one.
    expect(sample(after, 'concierge_crm_outbox_depth', { status: 'pending' })).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /metrics without METRICS_TOKEN or METRICS_PORT', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ METRICS_TOKEN: undefined, METRICS_PORT: undefined });
  });
  afterAll(() => t.close());

  it('is the 404 of an unknown path, not an open endpoint', async () => {
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    expect(res.text).not.toContain('nodejs_');
  });
});

describe('GET /metrics on METRICS_PORT', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await bootTestApp({ METRICS_PORT: '0', METRICS_TOKEN: undefined });
    port = t.app.get(MetricsServer).port!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the exposition on its own port without a token and 404s it on the main port', async () => {
    await t.http.get('/health').expect(200);
    await t.http.get('/metrics').expect(404);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'concierge_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(
      1,
    );
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  it('stops listening when the app closes', async () => {
    const other = await bootTestApp({ METRICS_PORT: '0', METRICS_TOKEN: undefined });
    const otherPort = other.app.get(MetricsServer).port!;
    expect((await fetch(`http://127.0.0.1:${otherPort}/metrics`)).status).toBe(200);
    await other.close();
    await expect(fetch(`http://127.0.0.1:${otherPort}/metrics`)).rejects.toThrow();
  });
});

describe('GET /metrics on METRICS_PORT with METRICS_TOKEN also set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
  });
  afterAll(() => t.close());

  it('requires the bearer token on the metrics port too', async () => {
    const url = `http://127.0.0.1:${t.app.get(MetricsServer).port!}/metrics`;
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'METRICS.UNAUTHORIZED' });
    expect((await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});
