import { formatDate, h } from './dom';

/** One message as GET /admin/business/:id/sessions/:sid/transcript returns it (TranscriptEntryDto). */
export interface TranscriptEntry {
  role: 'user' | 'assistant' | 'tool';
  content: string;
  createdAt: string;
  intent: { name: string; confidence: number } | null;
  sentiment: { label: string; score: number } | null;
  rulesFired: unknown[];
  sources: unknown[];
  latencyMs: number | null;
  unanswered: string | null;
}

export interface SessionTranscript {
  sessionId: string;
  channel: 'chat' | 'voice';
  startedAt: string;
  lastActiveAt: string;
  messages: TranscriptEntry[];
}

/** Replies are stored as the sanitised HTML the widget shows; the console shows their text, never their markup. */
export function plain(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  for (const br of body.querySelectorAll('br')) br.replaceWith('\n');
  return body.textContent ?? '';
}

const who = (role: TranscriptEntry['role']) =>
  role === 'user' ? 'Visitor' : role === 'assistant' ? 'Assistant' : 'Tool';

const UNANSWERED: Record<string, string> = {
  low_confidence: 'Not in the knowledge base',
  dont_know: 'Said it did not know',
};

/** A source is `{title, url}` as the chat recorded it; anything else is shown as its text. */
function source(value: unknown): HTMLElement {
  const s = (value ?? {}) as { title?: unknown; url?: unknown };
  const title = typeof s.title === 'string' && s.title ? s.title : typeof value === 'string' ? value : 'Source';
  const url = typeof s.url === 'string' && /^https?:\/\//.test(s.url) ? s.url : null;
  return h('li', null, url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, title) : title);
}

const ruleName = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify((value as { id?: unknown } | null)?.id ?? value);

/** The messages of a session, each with what the assistant read and did on it. */
export function transcriptView(messages: readonly TranscriptEntry[]): HTMLElement {
  if (!messages.length) return h('p', { class: 'empty' }, 'No messages.');
  return h(
    'ol',
    { class: 'transcript' },
    messages.map((m) => {
      const chips = [
        m.intent
          ? h('span', { class: 'chip' }, `Intent ${m.intent.name} · ${Math.round(m.intent.confidence * 100)} %`)
          : null,
        m.sentiment
          ? h(
              'span',
              { class: `chip sentiment-${m.sentiment.label}` },
              `Sentiment ${m.sentiment.label} (${m.sentiment.score.toFixed(2)})`,
            )
          : null,
        m.rulesFired.length ? h('span', { class: 'chip' }, `Rules ${m.rulesFired.map(ruleName).join(', ')}`) : null,
        m.latencyMs !== null ? h('span', { class: 'chip' }, `Replied in ${formatMs(m.latencyMs)}`) : null,
        m.unanswered ? h('span', { class: 'chip warn' }, UNANSWERED[m.unanswered] ?? m.unanswered) : null,
      ].filter(Boolean);
      return h(
        'li',
        { class: `msg ${m.role}` },
        h('span', { class: 'who' }, who(m.role)),
        h('time', { datetime: m.createdAt }, formatDate(m.createdAt)),
        h('p', null, plain(m.content)),
        chips.length ? h('div', { class: 'chips' }, chips) : null,
        m.sources.length
          ? h('div', { class: 'msg-sources' }, h('span', null, 'Sources'), h('ul', null, m.sources.map(source)))
          : null,
      );
    }),
  );
}

export const formatMs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
