import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

import { createTenant } from 'test/chat/chat.support';
import { bootTestApp, TestApp } from 'test/support/test-app';

const WIDGET = readFileSync(join(__dirname, '..', '..', 'public', 'widget.js'), 'utf8');

/** The few DOM members widget.js touches. */
class FakeElement {
  textContent = '';
  innerHTML = '';
  className = '';
  value = '';
  src = '';
  hidden = false;
  disabled = false;
  scrollTop = 0;
  scrollHeight = 0;
  children: FakeElement[] = [];
  style = { setProperty: () => undefined };
  onclick: (() => void) | null = null;
  onsubmit: ((e: { preventDefault(): void }) => void) | null = null;
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  replaceChildren(...children: FakeElement[]) {
    this.children = children;
  }
}

interface SentRequest {
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  status?: number;
}

/** localStorage survives page loads: a Map shared by every widget instance of one test. */
function fakeStorage(items: Map<string, string>) {
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe('Chat widget (public/widget.js) session handling', () => {
  let t: TestApp;
  let base: string;
  let businessId: string;

  beforeAll(async () => {
    t = await bootTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    businessId = await createTenant(t);
  });
  afterAll(async () => t.close());

  /** Loads the widget as a page with `?business=` would, against the real app. */
  function loadPage(storage: Map<string, string>) {
    const elements = new Map<string, FakeElement>();
    const el = (id: string) => elements.get(id) ?? elements.set(id, new FakeElement()).get(id)!;
    // The /chat/stream requests the page made, in order.
    const sent: SentRequest[] = [];
    const fetchFromPage = async (url: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
      const request: SentRequest = { url, body: init.body ? JSON.parse(init.body) : {}, headers: init.headers ?? {} };
      if (url === '/chat/stream') sent.push(request);
      const res = await fetch(`${base}${url}`, init);
      request.status = res.status;
      return res;
    };
    runInNewContext(WIDGET, {
      document: {
        getElementById: el,
        createElement: () => new FakeElement(),
      },
      localStorage: fakeStorage(storage),
      location: { search: `?business=${businessId}` },
      fetch: fetchFromPage,
      crypto,
      TextDecoder,
      URLSearchParams,
    });
    const log = () => el('log').children;
    const idle = async (turns: number) => {
      for (let i = 0; i < 200; i++) {
        const answered = sent.filter((r) => r.status === 200).length;
        if (answered >= turns && !el('sendBtn').disabled) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`widget did not finish ${turns} turns: ${JSON.stringify(sent)}`);
    };
    const say = async (message: string) => {
      const turns = sent.filter((r) => r.status === 200).length + 1;
      el('msg').value = message;
      el('send').onsubmit!({ preventDefault: () => undefined });
      await idle(turns);
    };
    return { sent, log, idle, say, reset: () => el('reset').onclick!() };
  }

  const stored = (storage: Map<string, string>) =>
    JSON.parse(storage.get(`concierge.session.${businessId}`) ?? 'null') as { id: string; token: string } | null;

  it('lets the server make the session, keeps its id and token per tenant, and sends the token with every message', async () => {
    const storage = new Map<string, string>();
    const page = loadPage(storage);
    await page.idle(1);
    expect(page.sent[0].body).toEqual({ business_id: businessId, message: 'action:click-intro' });
    expect(page.sent[0].headers['X-Session-Token']).toBeUndefined();
    const session = stored(storage)!;
    expect(session).toEqual({ id: expect.any(String), token: expect.stringMatching(/^v1\./) });

    await page.say('my email is widget@example.com');
    expect(page.sent[1].body).toMatchObject({ session_id: session.id });
    expect(page.sent[1].headers['X-Session-Token']).toBe(session.token);

    // A reload continues the same conversation: the captured email is still the session's.
    const reloaded = loadPage(storage);
    await reloaded.idle(1);
    expect(reloaded.sent[0].body).toMatchObject({ session_id: session.id });
    expect(reloaded.sent[0].status).toBe(200);
    const admin = await t.http.get(`/admin/business/${businessId}/sessions/${session.id}`).set(t.admin);
    expect(admin.body.captured.email).toBe('widget@example.com');
  });

  it('starts a new session when the stored token is refused, instead of showing the error', async () => {
    const storage = new Map<string, string>();
    const first = loadPage(storage);
    await first.idle(1);
    const original = stored(storage)!;
    storage.set(`concierge.session.${businessId}`, JSON.stringify({ ...original, token: 'v1.from-a-rotated-secret' }));

    const page = loadPage(storage);
    await page.idle(1);

    expect(page.sent.map((r) => r.status)).toEqual([403, 200]);
    expect(page.sent[1].body).toEqual({ business_id: businessId, message: 'action:click-intro' });
    expect(stored(storage)!.id).not.toBe(original.id);
    expect(
      page
        .log()
        .map((m) => m.textContent)
        .join(' '),
    ).not.toContain('session_token');
  });

  it('forgets the stored session on "start over"', async () => {
    const storage = new Map<string, string>();
    const page = loadPage(storage);
    await page.idle(1);
    const before = stored(storage)!;
    page.reset();
    await page.idle(2);
    expect(page.sent[1].body).toEqual({ business_id: businessId, message: 'action:click-intro' });
    expect(stored(storage)!.id).not.toBe(before.id);
  });
});
