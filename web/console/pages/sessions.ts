import { businessPath } from '../api';
import { button, card, formatDate, h } from '../dom';
import { actionForm, FormErrors, inputField } from '../form';
import type { ConsolePage } from '../page';
import { plain } from '../transcript';

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
  async render(ctx) {
    const errors = new FormErrors();
    const id = inputField(errors, {
      path: 'session_id',
      label: 'Session id',
      help: 'From the widget (localStorage) or a CRM record.',
      value: ctx.params[0] ?? '',
      attrs: { autocomplete: 'off', spellcheck: 'false', required: true },
    });
    const out = h('div', { class: 'stack' });
    const path = (sessionId: string) => businessPath(ctx.businessId, `/sessions/${encodeURIComponent(sessionId)}`);
    const lookUp = async () => {
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
    };
    const form = actionForm(
      errors,
      { label: 'Look up', busyLabel: 'Looking up…', action: lookUp, class: 'inline-form' },
      id.row,
    );
    // Opened from the sessions list or the hand-offs page (`#/b/<id>/sessions/<sessionId>`): looked up at once.
    if (ctx.params[0]) await lookUp().catch((error: unknown) => errors.show(error));
    return h(
      'div',
      { class: 'stack' },
      card(
        'Find a conversation',
        h(
          'p',
          { class: 'help' },
          'Browse and filter every conversation, with intents and sources per message, on ',
          h('a', { href: `#/b/${encodeURIComponent(ctx.businessId)}/session-list` }, 'Sessions'),
          '.',
        ),
        form,
      ),
      out,
    );
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
