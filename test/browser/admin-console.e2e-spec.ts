import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import { LlmProvider } from 'src/chat/llm-provider.port';
import { launchChromium, seriousAccessibilityViolations } from 'test/browser/support/chromium';
import { bootAppWith, chatter } from 'test/chat/chat.support';
import { callTool, say, ScriptedLlm } from 'test/chat/scripted-llm';
import { eventually } from 'test/crm/crm-test-helpers';
import { uniqueBusinessId } from 'test/factories/business.factory';
import type { TestApp } from 'test/support/test-app';

/**
 * The admin console driven end to end in Chromium against the real app: every step goes through the forms a
 * business owner uses, and the API is asked afterwards whether the change really happened. Set
 * CONSOLE_SCREENSHOTS=1 to also write the README's screenshots to docs/ (not on every run).
 */
const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS === '1'
    ? join(__dirname, '..', '..', 'docs')
    : (process.env.CONSOLE_SCREENSHOTS ?? null);

/** Ingestion runs in the app's job worker: on a loaded CI machine it may take a while, not forever. */
const JOB_TIMEOUT_MS = 45_000;

describe('Admin console in a browser', () => {
  const llm = new ScriptedLlm();
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const businessId = uniqueBusinessId();
  const adminKey = () => t.admin['X-Admin-API-Key'];
  const api = (path: string) => t.http.get(path).set(t.admin);

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      bootAppWith([[LlmProvider, llm]], { CRM_OUTBOX_POLL_MS: '100', CRM_OUTBOX_BASE_DELAY_MS: '50' }),
      launchChromium(),
    ]);
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    // A step that waits longer than this has failed; the suite should say so quickly, not after Jest's minute.
    page.setDefaultTimeout(15_000);
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  /** A screenshot for the README, with `heading` (a card's) at the top of the view. */
  const shoot = async (name: string, heading?: string) => {
    if (!SCREENSHOTS) return;
    if (heading)
      await page
        .getByRole('heading', { level: 2, name: heading })
        .evaluate((e: { scrollIntoView(): void }) => e.scrollIntoView());
    else await page.mouse.wheel(0, -10_000);
    await page.screenshot({ path: join(SCREENSHOTS, `admin-console-${name}.png`) });
  };
  const expectAccessible = async () => expect(await seriousAccessibilityViolations(page)).toEqual([]);
  /** The error shown for an input: the element its aria-describedby names. */
  const errorOf = async (input: string | Locator) => {
    const control = typeof input === 'string' ? page.getByLabel(input, { exact: true }) : input;
    const described = await control.getAttribute('aria-describedby');
    const id = described!.split(' ').find((x) => x.endsWith('-err'))!;
    return page.locator(`[id="${id}"]`);
  };
  const openPage = async (title: string) => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.locator('.page:not([aria-busy])').waitFor();
  };

  it('is served at /admin with a strict CSP, and /admin.html redirects there', async () => {
    const old = await t.http.get('/admin.html').expect(301);
    expect(old.headers.location).toBe('/admin');
    const res = await t.http.get('/admin').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).not.toMatch(/<script>|<style|style=/);
  });

  it('refuses a wrong key next to the key field, then signs in with the platform key kept out of the URL', async () => {
    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const keyError = await errorOf('Admin API key');
    await keyError.waitFor();
    expect(await keyError.textContent()).toBe('This key was not accepted. Check it and retry.');
    await expectAccessible();
    await page.getByLabel('Admin API key').fill(adminKey());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(page.url()).not.toContain(adminKey());
    expect(await page.evaluate('window.localStorage.length')).toBe(0);
  });

  it('creates a business and edits its branding with a live preview', async () => {
    await openPage('Businesses');
    await page.getByLabel('Business id').fill(businessId);
    await page.getByLabel('Business name').fill('Harbour Plumbing');
    await page.getByLabel('Website').fill('https://harbour-plumbing.example.com');
    await page.getByRole('button', { name: 'Create business' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings and branding' }).waitFor();
    await page.locator('.page:not([aria-busy])').waitFor();
    await page.getByLabel('Greeting', { exact: true }).fill('Hi! Need a plumber today?');
    await page.getByLabel('Launcher button text').fill('Ask Harbour');
    await page.getByLabel('Theme colour').fill('#0e7490');
    expect(await page.locator('.pv-launcher').textContent()).toBe('Ask Harbour');
    expect(await page.locator('.pv-bubble').first().textContent()).toBe('Hi! Need a plumber today?');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/Saved: version 2/).waitFor();
    const { config } = (await api(`/admin/business/${businessId}`).expect(200)).body;
    expect(config).toMatchObject({
      businessName: 'Harbour Plumbing',
      themeColor: '#0e7490',
      chatbotButtonText: 'Ask Harbour',
    });
    await expectAccessible();
  });

  it('shows an API validation error next to the field it names', async () => {
    const confidence = page.getByLabel('Minimum retrieval confidence');
    await confidence.fill('2');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const error = await errorOf('Minimum retrieval confidence');
    await error.waitFor();
    expect(await error.textContent()).toBe('settings.ragMinConfidence must not be greater than 1');
    expect(await confidence.getAttribute('aria-invalid')).toBe('true');
    await confidence.fill('');
  });

  it('edits the CTA tree: adds, nests and reorders buttons, and a reload shows what was saved', async () => {
    await openPage('Conversation buttons');
    const addTop = page.getByRole('button', { name: 'Add a top-level button' });
    const labels = page.getByLabel('Label', { exact: true });
    await addTop.click();
    await labels.nth(0).fill('Prices');
    await addTop.click();
    await labels.nth(1).fill('Book a visit');
    await page.getByLabel('When clicked').nth(1).selectOption('link');
    await page.getByLabel('URL', { exact: true }).nth(1).fill('ftp://not-a-web-page');
    await addTop.click();
    await labels.nth(2).fill('Support');
    // Book a visit goes under Support, then Support moves to the top.
    await page.getByRole('button', { name: 'Move “Book a visit” down' }).click();
    await page.getByRole('button', { name: 'Nest “Book a visit” under the button above it' }).click();
    await page.getByRole('button', { name: 'Move “Support” up' }).click();
    await page.getByRole('button', { name: 'Save buttons' }).click();
    // The client-side check names the URL field of the nested button before anything is sent.
    const bookUrl = page.getByRole('group', { name: 'Book a visit' }).getByLabel('URL');
    const urlError = await errorOf(bookUrl);
    await urlError.waitFor();
    expect(await urlError.textContent()).toBe('Enter an http(s) URL.');
    await bookUrl.fill('https://cal.example.com/harbour');
    await page.getByRole('button', { name: 'Save buttons' }).click();
    await page.getByText(/Saved: version \d+/).waitFor();
    await shoot('cta-tree');
    await expectAccessible();

    const { config } = (await api(`/admin/business/${businessId}`).expect(200)).body;
    expect(config.ctaTree.main_menu.children).toEqual(['support', 'prices']);
    expect(config.ctaTree.support).toMatchObject({ action: 'show_children', children: ['book_a_visit'] });
    expect(config.ctaTree.book_a_visit).toMatchObject({ action: 'link', url: 'https://cal.example.com/harbour' });

    await page.reload();
    await page.locator('.page:not([aria-busy])').waitFor();
    const top = page.locator('.cta-tree > li > fieldset > legend');
    expect(await top.allTextContents()).toEqual(['Support', 'Prices']);
    expect(await page.locator('.cta-tree > li ol > li > fieldset > legend').allTextContents()).toEqual([
      'Book a visit',
    ]);
    // The settings page previews the widget with the saved entry buttons.
    await openPage('Settings and branding');
    expect(await page.locator('.pv-cta').allTextContents()).toEqual(['Support', 'Prices']);
    await shoot('settings');
  });

  it('uploads a document, follows its job to the end, searches it and rolls back a version', async () => {
    await openPage('Knowledge base');
    const upload = async (name: string, text: string) => {
      await page
        .getByLabel('File', { exact: true })
        .setInputFiles({ name, mimeType: 'text/markdown', buffer: Buffer.from(text) });
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.locator('.job[data-status="completed"]').first().waitFor({ timeout: JOB_TIMEOUT_MS });
    };
    await upload(
      'boilers.md',
      '# Boiler servicing\n\nHarbour Plumbing services gas boilers every twelve months. A boiler service takes about an hour and costs 95 dollars.\n',
    );
    expect(await page.locator('.job progress').first().getAttribute('value')).toBe('100');
    await page.getByRole('cell', { name: 'Boiler servicing', exact: true }).waitFor();

    await page.getByLabel('Question').fill('how long does a boiler service take');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = page.locator('.hit').first();
    await hit.waitFor();
    expect(await hit.textContent()).toMatch(/score \d\.\d{3}.*boiler service takes about an hour/s);

    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'radiators.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Radiators\n\nWe bleed and balance radiators on every visit at no extra charge.\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('.job[data-status="completed"]').nth(1).waitFor({ timeout: JOB_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Roll back to v1' }).waitFor();
    await shoot('knowledge', 'Jobs');
    await expectAccessible();
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByText('Version 1 is active (was 2).').waitFor();
    const versions = (await api(`/admin/business/${businessId}/knowledge/versions`).expect(200)).body;
    expect(versions.activeVersion).toBe(1);
  }, 120_000);

  it('configures the builtin CRM and shows the contact a chat created', async () => {
    await openPage('CRM');
    await page.getByLabel('CRM', { exact: true }).selectOption('builtin');
    await page.getByLabel('Stage of new deals').selectOption('qualified');
    await page.getByLabel('email →').fill('email_address');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByText('Saved. Test the connection').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/^Connected/).waitFor();
    const crm = (await api(`/admin/business/${businessId}/crm`).expect(200)).body;
    expect(crm).toMatchObject({ type: 'builtin', options: { defaultStage: 'qualified' } });

    const visitor = chatter(t.http, businessId);
    await visitor.send('Hi, my name is Grace Hopper').expect(200);
    llm.next(
      (req) => callTool('create_contact', { firstName: req.grounding.captured.firstName, message: 'Boiler service' }),
      () => say('Thanks Grace, we will call you.'),
    );
    await visitor.send('reach me at grace@example.com or +1 415 555 2671').expect(200);
    const [contact] = await eventually(async () => {
      const contacts = (await api(`/admin/business/${businessId}/crm/contacts`).expect(200)).body as object[];
      return contacts.length ? contacts : undefined;
    });
    expect(contact).toMatchObject({ email: 'grace@example.com', firstName: 'Grace' });
    await page.reload();
    await page.locator('.page:not([aria-busy])').waitFor();
    await page.getByRole('cell', { name: 'grace@example.com', exact: true }).waitFor();
    await shoot('crm', 'Contacts (1)');
    await page.getByRole('button', { name: 'Notes on grace@example.com' }).click();
    await page.getByRole('heading', { name: 'Notes on grace@example.com' }).waitFor();
    await expectAccessible();
  });

  it('shows the platform pages: voice metrics and the audit log of admin writes', async () => {
    await openPage('Voice metrics');
    expect(await page.getByText('Calls Total', { exact: true }).count()).toBe(1);
    await openPage('Platform audit log');
    await page.getByRole('cell', { name: 'POST /admin/business', exact: true }).first().waitFor();
    await expectAccessible();
  });

  it("signs in with a business's viewer key: its business only, and a refused save is explained", async () => {
    const created = await t.http
      .post(`/admin/business/${businessId}/keys`)
      .set(t.admin)
      .send({ name: 'Front desk', role: 'viewer' })
      .expect(201);
    const viewer = await browser.newContext();
    const tab = await viewer.newPage();
    tab.setDefaultTimeout(15_000);
    await tab.goto(`${base}/admin`);
    await tab.getByLabel('Admin API key').fill(created.body.key as string);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { level: 1, name: 'Settings and branding' }).waitFor();
    await tab.locator('.page:not([aria-busy])').waitFor();
    expect(await tab.getByRole('link', { name: 'Businesses' }).count()).toBe(0);
    expect(await tab.locator('#business-picker option').allTextContents()).toEqual([
      `Harbour Plumbing (${businessId})`,
    ]);
    await tab.getByRole('button', { name: 'Save settings' }).click();
    const refusal = tab.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('(auth.insufficient_role)');
    await viewer.close();
  });

  it('finds the chat by its session id and shows its transcript', async () => {
    const visitor = chatter(t.http, businessId);
    await visitor.send('Hello').expect(200);
    await visitor.send('Do you fix radiators?').expect(200);
    // Transcripts are written after the reply; the console is asked once the API shows the turn.
    await eventually(async () => {
      const res = await api(`/admin/business/${businessId}/sessions/${visitor.sessionId}`);
      const said = (res.body as { transcript?: { content: string | null }[] }).transcript ?? [];
      return said.some((m) => m.content === 'Do you fix radiators?') ? true : undefined;
    });
    await openPage('Conversations');
    await page.getByLabel('Session id').fill(visitor.sessionId);
    await page.getByRole('button', { name: 'Look up' }).click();
    // Generous: on a loaded CI machine the lookup and its transcript query can take a while.
    await page.getByText('Do you fix radiators?').waitFor({ timeout: 45_000 });
    // The reply's sanitised HTML is shown as text, its line breaks kept.
    expect(await page.locator('.msg.assistant p').allTextContents()).toContain('Happy to help.\n\nAnything else?');
    await expectAccessible();
  });

  it('keeps the business being worked on when the platform has more businesses than one page of the list', async () => {
    // A platform (or a CI database several runs old) with more businesses than one page of GET /admin/business, all
    // listed before this one: the console must still know it after a visit to a platform page.
    const filler = `0-filler-${businessId}`;
    const db = t.app.get(DataSource);
    await db.query(
      `INSERT INTO businesses (business_id, business_name)
       SELECT $1 || '-' || lpad(n::text, 3, '0'), 'Filler ' || n FROM generate_series(1, 501) AS n`,
      [filler],
    );
    try {
      const visitor = chatter(t.http, businessId);
      await visitor.send('Do you clear blocked drains?').expect(200);
      await eventually(async () => {
        const res = await api(`/admin/business/${businessId}/sessions/${visitor.sessionId}`);
        return (res.body as { transcript?: unknown[] }).transcript?.length ? true : undefined;
      });
      // A reload: the console reads the list of businesses when it starts (the key is kept for the tab).
      await page.goto(`${base}/admin#/b/${businessId}/settings`);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Settings and branding' }).waitFor();
      await page.locator('.page:not([aria-busy])').waitFor();
      await openPage('Voice metrics');
      await openPage('Conversations');
      expect(await page.locator('#business-picker').inputValue()).toBe(businessId);
      await page.getByLabel('Session id').fill(visitor.sessionId);
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.getByText('Do you clear blocked drains?').waitFor();
    } finally {
      await db.query(`DELETE FROM businesses WHERE business_id LIKE $1 || '-%'`, [filler]);
    }
  });
});
