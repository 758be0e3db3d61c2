import { chatter, createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

// The widget's data-metadata attribute travels with each message (POST /chat and /chat/stream).
describe('Chat metadata from the embedding page', () => {
  let t: TestApp;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    businessId = await createTenant(t);
  });
  afterAll(() => t.close());

  it("merges the page's metadata into the session key by key, where the business's admin lookup shows it", async () => {
    const visitor = chatter(t.http, businessId);
    await visitor
      .send('hello', { metadata: { page: '/pricing', campaign: 'spring', visits: 3, member: true } })
      .expect(200);
    await visitor.send('Do you fix leaks?', { metadata: { page: '/contact' } }).expect(200);
    const res = await t.http.get(`/admin/business/${businessId}/sessions/${visitor.sessionId}`).set(t.admin);
    expect(res.body.clientMetadata).toEqual({ page: '/contact', campaign: 'spring', visits: 3, member: true });
  });

  it.each([
    ['an array', ['a']],
    ['a nested object', { page: { path: '/' } }],
    ['more than 2 KB', { page: 'x'.repeat(2100) }],
    ['too many keys', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))],
    ['a key with spaces', { 'my page': '/' }],
  ])('refuses %s with a 400 naming metadata, before anything is written', async (_case, metadata) => {
    const visitor = chatter(t.http, businessId);
    const res = await visitor.send('hello', { metadata }).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('metadata');
    await t.http.get(`/admin/business/${businessId}/sessions/${visitor.sessionId}`).set(t.admin).expect(404);
  });
});
