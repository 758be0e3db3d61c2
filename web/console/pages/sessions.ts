import { businessPath } from '../api';
import { button, card, formatDate, h } from '../dom';
import { actionForm, FormErrors, inputField } from '../form';
import type { ConsolePage } from '../page';

interface SessionDetails {
  sessionId: string;
  channel: 'chat' | 'voice';
  live: boolean;
  captured: Record<string, string | undefined>;
  crm: { contactId?: string; dealId?: string };
  summary: string | null;
  transcript: {
    role: 'user' | 'assistant' | 'tool';
    content: string | null;
    toolName: string | null;
    createdAt: string;
  }[];
}

export const sessionsPage: ConsolePage = {
  id: 'sessions',
  title: 'Conversations',
  scope: 'business',
  render(ctx) {
    const errors = new FormErrors();
    const id = inputField(errors, {
      path: 'session_id',
      label: 'Session id',
      help: 'From the widget (localStorage) or a CRM record.',
      attrs: { autocomplete: 'off', spellcheck: 'false', required: true },
    });
    const out = h('div', { class: 'stack' });
    const path = (sessionId: string) => businessPath(ctx.businessId, `/sessions/${encodeURIComponent(sessionId)}`);
    const form = actionForm(
      errors,
      {
        label: 'Look up',
        busyLabel: 'Looking up…',
        action: async () => {
          const sessionId = id.input.value.trim();
          if (!sessionId) return errors.showProblems([{ path: 'session_id', message: 'Enter a session id.' }]);
          const s = await ctx.api.get<SessionDetails>(path(sessionId));
          out.replaceChildren(
            details(s, async () => {
              if (!confirm('Forget this conversation: its transcript, captured details and live state?')) return;
              await ctx.api.delete(path(sessionId));
              out.replaceChildren(h('p', { class: 'status ok', role: 'status' }, 'Forgotten.'));
            }),
          );
        },
        class: 'inline-form',
      },
      id.row,
    );
    return h('div', { class: 'stack' }, card('Find a conversation', form), out);
  },
};

function details(s: SessionDetails, forget: () => Promise<void>): HTMLElement {
  const captured = Object.entries(s.captured).filter(([, v]) => v);
  return h(
    'div',
    { class: 'stack' },
    card(
      'Details',
      h(
        'dl',
        { class: 'stat-grid' },
        h('div', { class: 'stat' }, h('dt', null, 'Channel'), h('dd', null, s.channel)),
        h('div', { class: 'stat' }, h('dt', null, 'State'), h('dd', null, s.live ? 'Live' : 'Ended')),
        captured.map(([k, v]) => h('div', { class: 'stat' }, h('dt', null, k), h('dd', null, v!))),
        s.crm.contactId
          ? h('div', { class: 'stat' }, h('dt', null, 'CRM contact'), h('dd', null, s.crm.contactId))
          : null,
      ),
      s.summary ? h('p', null, s.summary) : null,
      button('Forget this conversation', forget, { class: 'danger' }),
    ),
    card(
      'Transcript',
      s.transcript.length
        ? h(
            'ol',
            { class: 'transcript' },
            s.transcript.map((m) =>
              h(
                'li',
                { class: `msg ${m.role}` },
                h(
                  'span',
                  { class: 'who' },
                  m.role === 'tool' ? `Tool ${m.toolName ?? ''}` : m.role === 'user' ? 'Visitor' : 'Assistant',
                ),
                h('time', { datetime: m.createdAt }, formatDate(m.createdAt)),
                h('p', null, plain(m.content ?? '')),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'No messages.'),
    ),
  );
}

/** Replies are stored as the sanitised HTML the widget shows; the console shows their text, never their markup. */
function plain(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  for (const br of body.querySelectorAll('br')) br.replaceWith('\n');
  return body.textContent ?? '';
}
