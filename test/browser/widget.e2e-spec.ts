// Code passed to page.evaluate runs in the browser.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { createTenant } from 'test/chat/chat.support';
import { ctaTreeFactory } from 'test/factories/business.factory';
import { plumbingDocumentsFactory } from 'test/rag/knowledge-documents-factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

import { launchChromium, seriousAccessibilityViolations } from './support/chromium';
import { eventually, isFocused, seeCount, seeText } from './support/eventually';
import { HostSite } from './support/host-site';

/** `WIDGET_SCREENSHOTS=1 npx jest test/browser/widget` rewrites the README's screenshots under docs/. */
const SCREENSHOTS = process.env.WIDGET_SCREENSHOTS === '1';
const DOCS = join(__dirname, '..', '..', 'docs');

describe('The embeddable chat widget in a real browser, on a business site of another origin', () => {
  let t: TestApp;
  let platform: string;
  let site: HostSite;
  let browser: Browser;
  let businessId: string;
  let context: BrowserContext;
  let page: Page;
  /** Every Content-Security-Policy refusal and script error the page reports. */
  let problems: string[];

  async function ingest(id: string, documents: object[]): Promise<void> {
    const accepted = await t.http.post(`/admin/business/${id}/knowledge/documents`).set(t.admin).send({ documents });
    expect(accepted.status).toBe(202);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await t.http.get(`/admin/business/${id}/knowledge/jobs/${accepted.body.jobId}`).set(t.admin);
      if (job.body.status === 'completed') return;
      if (job.body.status === 'failed' || Date.now() > deadline)
        throw new Error(`ingestion ${JSON.stringify(job.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await bootTestApp();
    await t.app.listen(0, '127.0.0.1');
    platform = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    site = new HostSite(platform);
    await site.start();
    const tree = ctaTreeFactory.build();
    tree.book_appointment.url = `${site.origin('localhost')}/book`;
    businessId = await createTenant(t, {
      allowedOrigins: [site.origin('localhost')],
      ctaTree: tree,
      businessLogo: `${site.origin('localhost')}/logo.svg`,
    });
    await ingest(businessId, plumbingDocumentsFactory.build());
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
    await t?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = watch(page);
  });
  afterEach(async () => {
    await context.close();
  });

  const widget = (p: Page = page) => {
    const host = p.locator('concierge-chat');
    return {
      launcher: host.locator('.launcher'),
      panel: host.locator('[role="dialog"]'),
      input: host.getByLabel('Message to Acme Plumbing'),
      send: host.locator('button.send'),
      bot: host.locator('.msg.bot'),
      user: host.locator('.msg.user'),
      cta: (name: string) => host.locator('.ctas').getByText(name, { exact: true }),
      notice: host.locator('.notice'),
      close: host.getByRole('button', { name: 'Close chat' }),
    };
  };

  async function openWidget(p: Page = page): Promise<void> {
    await p.goto(site.url('localhost', { businessId }));
    const w = widget(p);
    await w.launcher.click();
    await w.panel.waitFor({ state: 'visible' });
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
  }

  it('greets, streams an answer from the knowledge base with its source, and needs no more than the documented CSP', async () => {
    await openWidget();
    const w = widget();
    const streamed = page.waitForResponse((r) => r.url().endsWith('/chat/stream') && r.request().method() === 'POST');
    await w.input.fill('What are your opening hours?');
    await w.input.press('Enter');
    await eventually(async () => expect(await w.user.last().textContent()).toBe('What are your opening hours?'));
    const answer = w.bot.last();
    await seeText(answer, 'Monday to Friday from 8am to 6pm');
    const res = await streamed;
    expect(res.headers()['content-type']).toContain('text/event-stream');
    // The question went to the model (the offline provider answering from the passage), not to the greeting guard.
    expect(await res.text()).toContain('event: delta');
    const source = answer.locator('.sources a', { hasText: 'Opening hours' });
    expect(await source.getAttribute('href')).toBe('https://acme.example.com/hours');
    expect(await source.getAttribute('target')).toBe('_blank');
    expect(await source.getAttribute('rel')).toBe('noopener noreferrer');
    // The tenant's colour, with a text colour that keeps 4.5:1 on it.
    const colors = await w.send.evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, fg: s.color };
    });
    expect(colors).toEqual({ bg: 'rgb(51, 102, 153)', fg: 'rgb(255, 255, 255)' });
    expect(await page.locator('concierge-chat header img').getAttribute('src')).toMatch(/logo\.svg$/);
    await eventually(async () =>
      expect(await page.locator('concierge-chat .privacy').textContent()).toBe(
        'We only use your details to contact you.',
      ),
    );
    expect(problems).toEqual([]);
    if (SCREENSHOTS) {
      mkdirSync(DOCS, { recursive: true });
      await page.screenshot({ path: join(DOCS, 'widget-desktop.png') });
    }
  });

  it('follows the button tree and opens a link button in a new tab that cannot reach the page', async () => {
    await openWidget();
    const w = widget();
    await w.cta('Sales Team').click();
    await seeText(w.bot.last(), 'What interests you?');
    const link = w.cta('Book an Appointment');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${site.origin('localhost')}/book`);
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    // The click is recorded as a turn; the server confirms it in the chat.
    await seeText(w.bot.last(), 'You can continue here: Book an Appointment.');
  });

  it('renders catalog items a CTA node expands into as link and send buttons, and sends the one clicked', async () => {
    const tree = ctaTreeFactory.build();
    const catalogShop = await createTenant(t, {
      allowedOrigins: [site.origin('localhost')],
      ctaTree: {
        ...tree,
        main_menu: { ...tree.main_menu, children: ['services', 'support'] },
        services: { id: 'services', label: 'Services', action: 'send', source: 'catalog', tag: 'services' },
      },
      catalog: [
        { id: 'drains', name: 'Drain cleaning', tags: ['services'] },
        { id: 'heaters', name: 'Water heater repair', url: `${site.origin('localhost')}/heaters`, tags: ['services'] },
      ],
    });
    await page.goto(site.url('localhost', { businessId: catalogShop }));
    const w = widget();
    await w.launcher.click();
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
    await w.cta('Support').waitFor();
    expect(await w.cta('Water heater repair').getAttribute('href')).toBe(`${site.origin('localhost')}/heaters`);
    await w.cta('Drain cleaning').click();
    await eventually(async () => expect(await w.user.last().textContent()).toBe('Drain cleaning'));
    await seeCount(w.bot, 2);
    expect(problems).toEqual([]);
  });

  it('continues the conversation after a reload and shows its history, without greeting again', async () => {
    await openWidget();
    const w = widget();
    await w.input.fill('Do you have a warranty?');
    await w.send.click();
    await seeText(w.bot.last(), 'two-year labour warranty');
    const stored = await page.evaluate((id) => localStorage.getItem(`concierge.session.${id}`), businessId);
    expect(JSON.parse(stored!)).toEqual({ id: expect.any(String), token: expect.stringMatching(/^v1\./) });

    await page.reload();
    await w.launcher.click();
    await eventually(async () => expect(await w.user.allTextContents()).toEqual(['Do you have a warranty?']));
    await seeText(w.bot.last(), 'two-year labour warranty');
    await seeCount(w.bot.filter({ hasText: 'Hi, welcome to Acme Plumbing!' }), 1);
    // The last reply's buttons are offered again.
    await w.cta('Sales Team').waitFor();
    // The same session goes on: the next answer is appended, and the stored session is unchanged.
    await w.input.fill('What are your opening hours?');
    await w.input.press('Enter');
    await seeText(w.bot.last(), 'Monday to Friday');
    expect(await page.evaluate((id) => localStorage.getItem(`concierge.session.${id}`), businessId)).toBe(stored);
  });

  it('sends a question typed while the greeting is still on its way, once the greeting has landed', async () => {
    // The greeting's request is held back, so the visitor's question is submitted while it runs.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/chat/stream', async (route) => {
      if (route.request().postData()?.includes('action:click-intro')) await held;
      await route.continue();
    });
    await page.goto(site.url('localhost', { businessId }));
    const w = widget();
    await w.launcher.click();
    await w.panel.waitFor({ state: 'visible' });
    await w.input.fill('What are your opening hours?');
    await w.input.press('Enter');
    // Taken: the box is cleared for the next message, not left holding text that was silently dropped.
    await eventually(async () => expect(await w.input.inputValue()).toBe(''));
    release();
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
    await seeText(w.bot.last(), 'Monday to Friday from 8am to 6pm');
    expect(await w.user.allTextContents()).toEqual(['What are your opening hours?']);
    // Shown in the order it happened: the greeting, then the question, then its answer.
    expect(await page.locator('concierge-chat .msg').count()).toBe(3);
    expect(await page.locator('concierge-chat .msg').nth(1).textContent()).toBe('What are your opening hours?');
  });

  it('shows a failed reply as an error with a retry that sends the question again, with the page metadata', async () => {
    await page.goto(site.url('localhost', { businessId, metadata: '{"page":"/pricing","campaign":"spring"}' }));
    const w = widget();
    await w.launcher.click();
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
    // The greeting shows before its silent request has finished; the route below is for the question only.
    await eventually(async () =>
      expect(await page.locator('concierge-chat .log').getAttribute('aria-busy')).toBe('false'),
    );
    await page.route('**/chat/stream', (route) => route.abort('connectionreset'));
    await w.input.fill('Do you have a warranty?');
    await w.input.press('Enter');
    const error = page.locator('concierge-chat [role="alert"]');
    await seeText(error, 'Cannot reach the chat service');
    await page.unroute('**/chat/stream');
    await error.getByRole('button', { name: 'Retry' }).click();
    await seeText(w.bot.last(), 'two-year labour warranty');
    await seeCount(error, 0);
    await seeCount(w.user, 1);
    const session = JSON.parse(
      (await page.evaluate((id) => localStorage.getItem(`concierge.session.${id}`), businessId))!,
    ) as { id: string };
    const lookup = await t.http.get(`/admin/business/${businessId}/sessions/${session.id}`).set(t.admin);
    expect(lookup.body.clientMetadata).toEqual({ page: '/pricing', campaign: 'spring' });
  });

  it('starts afresh when the stored session token is refused, and on "Start a new conversation"', async () => {
    await page.goto(site.url('localhost', { businessId }));
    await page.evaluate(
      (id) =>
        localStorage.setItem(
          `concierge.session.${id}`,
          JSON.stringify({ id: crypto.randomUUID(), token: 'v1.forged' }),
        ),
      businessId,
    );
    await page.reload();
    const w = widget();
    await w.launcher.click();
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
    await seeCount(page.locator('concierge-chat .msg.error'), 0);
    // The greeting's text streams in before its reply is done, and only the done reply stores the new session.
    let first: string | null = null;
    await eventually(async () => {
      first = await page.evaluate((id) => localStorage.getItem(`concierge.session.${id}`), businessId);
      expect(first).not.toBeNull();
    });
    expect(first).not.toContain('v1.forged');

    await page.locator('concierge-chat').getByRole('button', { name: 'Start a new conversation' }).click();
    await seeCount(w.bot, 1);
    await eventually(async () =>
      expect(await page.evaluate((id) => localStorage.getItem(`concierge.session.${id}`), businessId)).not.toBe(first),
    );
  });

  it('works by keyboard alone: Tab to the launcher, Enter opens, focus stays in the panel, Escape closes', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(site.url('localhost', { businessId }));
    const w = widget();
    await w.launcher.waitFor({ state: 'visible' });
    for (let i = 0; i < 5 && !(await isFocused(w.launcher)); i++) await page.keyboard.press('Tab');
    expect(await isFocused(w.launcher)).toBe(true);
    await page.keyboard.press('Enter');
    await w.panel.waitFor({ state: 'visible' });
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('true');
    expect(await isFocused(w.input)).toBe(true);
    await w.cta('Support').waitFor({ state: 'visible' });
    // No animation under prefers-reduced-motion.
    expect(await w.panel.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');

    // Twice round the panel in both directions: focus never reaches the host page.
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 16; i++) {
        await page.keyboard.press(key);
        expect(await focusIsInPanel(page)).toBe(true);
      }
    }
    // A button is pressed with Enter.
    while (!(await isFocused(w.cta('Support')))) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await w.user.last().textContent()).toBe('Support'));

    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden' });
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await isFocused(w.launcher)).toBe(true);
  });

  it('stays intact on a page whose CSS resets everything (* { all: unset !important })', async () => {
    await page.goto(site.url('localhost', { businessId, aggressiveCss: true, open: true }));
    const w = widget();
    await w.panel.waitFor({ state: 'visible' });
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
    const look = await w.panel.evaluate((panel) => {
      const root = panel.parentElement!;
      const input = panel.querySelector('input')!;
      const send = panel.querySelector('button.send')!;
      const box = panel.getBoundingClientRect();
      return {
        rootPosition: getComputedStyle(root).position,
        panelDisplay: getComputedStyle(panel).display,
        panelWidth: Math.round(box.width),
        inputVisible: input.getBoundingClientRect().height > 20,
        fontSize: getComputedStyle(panel).fontSize,
        sendBackground: getComputedStyle(send).backgroundColor,
      };
    });
    expect(look).toEqual({
      rootPosition: 'fixed',
      panelDisplay: 'flex',
      panelWidth: 380,
      inputVisible: true,
      fontSize: '15px',
      sendBackground: 'rgb(51, 102, 153)',
    });
    await w.input.fill('What are your opening hours?');
    await w.input.press('Enter');
    await seeText(w.bot.last(), 'Monday to Friday');
  });

  it("places the launcher and the panel where the business's widgetPosition says", async () => {
    const boxes: Record<string, { launcher: number; panel: { x: number; y: number } }> = {};
    for (const position of ['bottom-left', 'center']) {
      const id = await createTenant(t, { allowedOrigins: [site.origin('localhost')], widgetPosition: position });
      await page.goto(site.url('localhost', { businessId: id }));
      const launcher = page.locator('concierge-chat .launcher');
      const launcherBox = (await launcher.boundingBox())!;
      await launcher.click();
      const panelBox = (await page.locator('concierge-chat [role="dialog"]').boundingBox())!;
      boxes[position] = {
        launcher: Math.round(launcherBox.x + launcherBox.width / 2),
        panel: { x: Math.round(panelBox.x + panelBox.width / 2), y: Math.round(panelBox.y + panelBox.height / 2) },
      };
    }
    // 1280 × 800: bottom-left hugs the left edge (20 px margin, 380 px panel); center is centred both ways.
    expect(boxes['bottom-left'].panel.x).toBe(20 + 190);
    expect(boxes['bottom-left'].launcher).toBeLessThan(200);
    expect(boxes.center).toEqual({ launcher: 640, panel: { x: 640, y: 400 } });
  });

  it('shows no chat, and says why, on a page the business does not allow', async () => {
    const chats: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/chat')) chats.push(r.url());
    });
    await page.goto(site.url('127.0.0.1', { businessId, open: true }));
    const w = widget();
    await eventually(async () => expect(await w.notice.textContent()).toBe('Chat is not available on this website.'));
    await seeCount(w.launcher, 0);
    await seeCount(w.input, 0);
    expect(chats).toEqual([]);
  });

  it("runs on the platform's own demo page under its strict CSP, beside a working admin console and API docs", async () => {
    await page.goto(`${platform}/?business=${businessId}`);
    const w = widget();
    await seeText(w.bot.first(), 'Hi, welcome to Acme Plumbing!');
    await w.input.fill('What are your opening hours?');
    await w.input.press('Enter');
    await seeText(w.bot.last(), 'Monday to Friday');
    await page.goto(`${platform}/admin.html`);
    await page.getByLabel('Admin API key').waitFor();
    await page.goto(`${platform}/docs`);
    await page.locator('.swagger-ui .info').waitFor();
    // The test tenant's logo is on the host site's plain http; the platform's pages load https images only.
    expect(problems.filter((p) => !/Loading the image '[^']+\/logo\.svg' violates/.test(p))).toEqual([]);
  });

  it('has no serious or critical accessibility violations with the panel open', async () => {
    await openWidget();
    await widget().input.fill('What are your opening hours?');
    await widget().input.press('Enter');
    await seeText(widget().bot.last(), 'Monday to Friday');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('fills a 320 px wide phone screen when open', async () => {
    const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    try {
      const p = await phone.newPage();
      await openWidget(p);
      const w = widget(p);
      // Measured once the opening slide has settled; sub-pixel layout may land a hair under a full pixel.
      await eventually(async () => {
        const box = (await w.panel.boundingBox())!;
        expect([box.x, box.y, box.width, box.height].map(Math.round)).toEqual([0, 0, 320, 640]);
      });
      await w.launcher.waitFor({ state: 'hidden' });
      await w.input.fill('What are your opening hours?');
      await w.input.press('Enter');
      await seeText(w.bot.last(), 'Monday to Friday');
      // Nothing wider than the screen: no sideways scrolling inside the panel.
      expect(await w.panel.evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(320);
      if (SCREENSHOTS) await p.screenshot({ path: join(DOCS, 'widget-phone.png') });
      await w.close.click();
      await w.launcher.waitFor({ state: 'visible' });
    } finally {
      await phone.close();
    }
  });
});

/** CSP refusals and script errors, which the host page would see in its console. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${m.text()} ${m.location().url}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

/** Focus is on an element inside the widget's open panel (the document sees only the shadow host). */
function focusIsInPanel(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const host = document.activeElement;
    if (host?.tagName !== 'CONCIERGE-CHAT') return false;
    const inner = host.shadowRoot?.activeElement;
    return !!inner?.closest('[role="dialog"]');
  });
}
