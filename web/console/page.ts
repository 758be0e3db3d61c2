import type { Api } from './api';

/** What a page gets to work with: the API signed in, the business it is about, and a signal to stop polling. */
export interface PageContext {
  api: Api;
  /** The business the page is about; empty on platform pages. */
  businessId: string;
  /** What follows the page's id in the route (`#/b/<id>/sessions/<sessionId>` → `[sessionId]`), decoded. */
  params: readonly string[];
  /** Aborted when the visitor leaves the page: timers and polling loops listen to it. */
  signal: AbortSignal;
  /** Goes to another page (`#/b/<id>/knowledge`). */
  navigate(route: string): void;
  /** Refreshes the list of businesses in the header after one was created or deleted. */
  businessesChanged(): Promise<void>;
}

/**
 * One console page: the registry (pages/index.ts) lists them, the shell builds the navigation and the route from
 * `id`, and calls `render` whenever the page is opened. Adding a page is one file exporting one of these.
 */
export interface ConsolePage {
  /** The route segment, `#/b/<businessId>/<id>` or `#/<id>` for platform pages. */
  id: string;
  title: string;
  /** `business` pages are about the business picked in the header; `platform` pages are not. */
  scope: 'business' | 'platform';
  render(ctx: PageContext): Promise<Node> | Node;
}

/** Waits `ms` unless the page is left first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException('left the page', 'AbortError'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('left the page', 'AbortError'));
    });
  });
}
