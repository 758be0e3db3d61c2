// Code passed to page.evaluate runs in the browser.
/// <reference lib="dom" />
import type { Locator } from 'playwright-core';

/**
 * playwright-core has no auto-retrying `expect` (that is @playwright/test's): an assertion about a page that is
 * still streaming is retried until it holds or the time is up, and then fails with its own message.
 */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const seeText = (locator: Locator, text: string) =>
  eventually(async () => expect((await locator.textContent()) ?? '').toContain(text));

export const seeCount = (locator: Locator, count: number) =>
  eventually(async () => expect(await locator.count()).toBe(count));

export const isFocused = (locator: Locator) =>
  locator.evaluate((el) => (el.getRootNode() as ShadowRoot | Document).activeElement === el).catch(() => false);
