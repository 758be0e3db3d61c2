import { browserStorage } from './session-store';
import { ChatWidget } from './widget';

/**
 * Entry point: `<script src="https://PLATFORM/widget.js" data-business-id="…" async>` (the loader hands its data-*
 * attributes to this script). Optional `data-metadata` (a JSON object sent with each message) and `data-open="true"`.
 */
function start(script: HTMLScriptElement): void {
  const businessId = script.dataset.businessId?.trim();
  if (!businessId) {
    console.error('concierge widget: the script tag needs data-business-id="<your business id>"');
    return;
  }
  let metadata: Record<string, unknown> | undefined;
  if (script.dataset.metadata) {
    try {
      const parsed: unknown = JSON.parse(script.dataset.metadata);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) metadata = parsed as Record<string, unknown>;
      else throw new Error('not an object');
    } catch {
      console.error('concierge widget: data-metadata must be a JSON object; it is ignored');
    }
  }
  const widget = new ChatWidget({
    base: new URL(script.src).origin,
    businessId,
    metadata,
    open: script.dataset.open === 'true',
    storage: browserStorage(),
  });
  void widget.load();
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  // An async script may run before <body> exists.
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script));
}
