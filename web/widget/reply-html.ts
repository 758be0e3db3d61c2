/**
 * The server already sanitises replies (b, i, u, br, code and http(s) links); the widget applies the same
 * allow-list again before inserting them, so a reply can never run script in the host page even if that changed.
 * Parsed in an inert <template> (nothing loads or runs), then rebuilt from allowed nodes only.
 */
const ALLOWED = new Set(['B', 'I', 'U', 'BR', 'CODE', 'A', 'STRONG', 'EM']);

export function safeUrl(url: string | undefined, base?: string): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

export function replyFragment(doc: Document, html: string): DocumentFragment {
  const template = doc.createElement('template');
  template.innerHTML = html;
  const out = doc.createDocumentFragment();
  copyAllowed(doc, template.content, out);
  return out;
}

function copyAllowed(doc: Document, from: Node, to: Node): void {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(doc.createTextNode(node.textContent ?? ''));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      if (!ALLOWED.has(el.tagName)) {
        // Unknown markup keeps its text, never its element (no <img onerror>, <style>, <form>).
        if (el.tagName !== 'SCRIPT' && el.tagName !== 'STYLE') copyAllowed(doc, el, to);
        continue;
      }
      const copy = doc.createElement(el.tagName.toLowerCase());
      if (el.tagName === 'A') {
        const href = safeUrl(el.getAttribute('href') ?? undefined);
        if (href) externalLink(copy as HTMLAnchorElement, href);
      }
      copyAllowed(doc, el, copy);
      to.appendChild(copy);
    }
  }
}

/** A link that opens in a new tab without handing the host page to it (no window.opener, no referrer). */
export function externalLink(a: HTMLAnchorElement, href: string): HTMLAnchorElement {
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}
