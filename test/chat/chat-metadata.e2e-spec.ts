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

  it("keeps the page's metadata on the session, where the business's admin lookup shows it", async () => {
    const visitor = chatter(t.http, businessId);
    await visitor
      .send('hello', { metadata: { page: '/pricing', campaign: 'spring', visits: 3, member: true } })
      .expect(200);
    await visitor.send('Do you fix leaks?', { metadata: { page: '/contact' } }).expect(200);
    const res = await t.http.get(`/admin/business/${businessId}/sessions/${visitor.sessionId}`).set(t.admin);
    expect(res.body.metadata.client).toEqual({ page: '/contact' });
  });

  it.each([
    ['an array', ['a']],
    ['a nested object', { page: { path: '/' } }],
    ['a long value', { page: 'x'.repeat(201) }],
    ['too many keys', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))],
    ['a key with spaces', { 'my page': '/' }],
  ])('refuses %s with a 400 naming metadata, before anything is written', async (_case, metadata) => {
    const visitor = chatter(t.http, businessId);
    const res = await visitor.send('hello', { metadata }).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('metadata');
    await t.http.get(`/admin/business/${businessId}/sessions/${visitor.sessionId}`).set(t.admin).expect(404);
  });
});
