import type { Browser } from 'playwright-core';

import { launchChromium, seriousAccessibilityViolations } from './support/chromium';

// The browser suites depend on Debian's Chromium (installed by .ci/run); this one says so plainly when it is
// missing or cannot start headless as root, instead of every browser suite failing in its own way.
describe('the headless Chromium the browser suites drive', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts with the CI flags, renders a page and runs the axe checks on it', async () => {
    // Axe needs a page of an explicit context (browser.newPage() hides it).
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent('<main><h1>Ready</h1><img src="data:," ></main>');
    expect(await page.textContent('h1')).toBe('Ready');
    // An image without alternative text is a critical finding: the check must see it.
    expect((await seriousAccessibilityViolations(page)).join('\n')).toMatch(/image-alt/);
    await context.close();
  });
});
