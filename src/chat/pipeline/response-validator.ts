import { LRUCache } from 'lru-cache';
import sanitizeHtml from 'sanitize-html';

import { LEAK_FALLBACK, type LeakPolicy, leaksInstructions, normalize } from 'src/conversation/instruction-leak';

export interface ReplyPolicy extends LeakPolicy {
  maxChars: number;
}

export interface ValidatedReply {
  text: string;
  /** Why the reply was replaced by a fallback, if it was. */
  replaced: 'leak' | 'empty' | null;
}

export { LEAK_FALLBACK };
export const EMPTY_FALLBACK = "I'm sorry, I didn't quite get that. Could you tell me a bit more about what you need?";
export const DEFAULT_MAX_REPLY_CHARS = 1500;

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['b', 'i', 'u', 'br', 'code', 'a'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  transformTags: { strong: 'b', em: 'i' },
};

function markdownToHtml(text: string): string {
  return text
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*([^*\n]+)\*\*|__([^_\n]+)__/g, (_m, a?: string, b?: string) => `<b>${a ?? b}</b>`)
    .replace(/(^|[\s(])\*([^*\s][^*\n]*?)\*(?=[\s).,!?:;]|$)/gm, '$1<i>$2</i>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

const LIST_ITEM = /^\s*(?:[-*•+·]|\d{1,2}[.)])\s+(.*)$/;

/** Bullets and numbered lists become one prose sentence: "A, B and C." or the items' own sentences. */
function listsToProse(text: string): string {
  const out: string[] = [];
  let items: string[] = [];
  const flush = () => {
    if (!items.length) return;
    const sentences = items.every((i) => /[.!?]$/.test(i));
    const prose = sentences
      ? items.join(' ')
      : `${items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0]}.`;
    const previous = out.length ? out[out.length - 1] : undefined;
    if (previous !== undefined && previous.trim() !== '') out[out.length - 1] = `${previous.trimEnd()} ${prose}`;
    else out.push(prose);
    items = [];
  };
  // A blank line between items belongs to the list; one after the last item is kept as a paragraph break.
  let blankAfterItems = false;
  for (const line of text.split('\n')) {
    const m = LIST_ITEM.exec(line);
    if (m) {
      items.push(m[1].trim().replace(/[;,]$/, ''));
      blankAfterItems = false;
      continue;
    }
    if (items.length && line.trim() === '') {
      blankAfterItems = true;
      continue;
    }
    flush();
    if (blankAfterItems) out.push('');
    blankAfterItems = false;
    out.push(line);
  }
  flush();
  return out.join('\n');
}

function tidy(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '<br>')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/(<br\s*\/?>\s*){3,}/gi, '<br><br>')
    .trim();
}

/** Cuts at the last sentence end that fits; sanitize-html then closes any tag the cut left open. */
function cap(html: string, maxChars: number): string {
  if (html.length <= maxChars) return html;
  const head = html.slice(0, maxChars);
  const lastSentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  const cut = lastSentence > maxChars / 2 ? head.slice(0, lastSentence + 1) : `${head.replace(/\s+\S*$/, '')}…`;
  return sanitizeHtml(cut.replace(/<[^>]*$/, ''), SANITIZE).trim();
}

function sanitized(raw: string): string {
  return tidy(sanitizeHtml(listsToProse(markdownToHtml(raw.replace(/\r\n?/g, '\n'))), SANITIZE));
}

/**
 * Sanitized forms of recent whole replies. Guard and menu texts and response-cache hits come back turn after turn, and
 * sanitize-html parsing them was the largest single step of such a turn's CPU profile; the steps are pure, so a hit
 * is the very string they would produce. Stream prefixes are not kept (each is seen once).
 */
const SANITIZED = new LRUCache<string, string>({
  max: 1000,
  maxSize: 4_000_000,
  sizeCalculation: (html, raw) => html.length + raw.length + 1,
});

function sanitizedReply(raw: string): string {
  let html = SANITIZED.get(raw);
  if (html === undefined) SANITIZED.set(raw, (html = sanitized(raw)));
  return html;
}

/**
 * Step 8. Every reply that leaves the server passes here: HTML reduced to the allow-list, markdown and lists
 * rewritten into prose, length capped, and a reply echoing the instructions replaced by a safe fallback.
 * `partial` validates a stream prefix: no cap and no empty fallback, so the result grows as text arrives.
 */
export function validateReply(raw: string, policy: ReplyPolicy, partial = false): ValidatedReply {
  if (leaksInstructions(raw, policy)) return { text: LEAK_FALLBACK, replaced: 'leak' };
  if (partial) return { text: sanitized(raw), replaced: null };
  const html = sanitizedReply(raw);
  if (!normalize(html)) return { text: EMPTY_FALLBACK, replaced: 'empty' };
  return { text: cap(html, policy.maxChars), replaced: null };
}
