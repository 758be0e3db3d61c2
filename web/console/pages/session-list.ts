import { businessPath } from '../api';
import { type BusinessConfig, loadBusiness } from '../business-config';
import { append, button, card, formatDate, h, table } from '../dom';
import { actionForm, FormErrors, inputField, selectField } from '../form';
import type { ConsolePage, PageContext } from '../page';
import { type SessionTranscript, transcriptView } from '../transcript';

/** One row of GET /admin/business/:id/sessions (SessionSummaryDto). */
interface SessionSummary {
  sessionId: string;
  channel: 'chat' | 'voice';
  startedAt: string;
  lastActiveAt: string;
  turns: number;
  capturedFields: string[];
  leadCaptured: boolean;
  crm: { contact: boolean; deal: boolean };
  handedOff: boolean;
  tags: string[];
  firstMessage: string | null;
}

type Filters = Record<string, string | undefined>;

/** A date input's day as the instant its local midnight starts (`to` is exclusive: the day after). */
export function dayStart(value: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

const short = (id: string) => id.slice(0, 8);

/** src/tenant/intents.ts BUILTIN_INTENTS: what every business's messages may be read as. */
const BUILTIN_INTENTS = [
  'greeting',
  'thanks',
  'goodbye',
  'human_handoff',
  'appointment',
  'pricing',
  'complaint',
  'smalltalk',
  'other',
];

export const sessionListPage: ConsolePage = {
  id: 'session-list',
  title: 'Sessions',
  scope: 'business',
  async render(ctx) {
    const errors = new FormErrors();
    const from = inputField(errors, { path: 'from', label: 'From', type: 'date' });
    const to = inputField(errors, { path: 'to', label: 'To (included)', type: 'date' });
    const channel = selectField(errors, {
      path: 'channel',
      label: 'Channel',
      options: [
        ['', 'Any'],
        ['chat', 'Chat'],
        ['voice', 'Voice'],
      ],
    });
    const yesNo = (path: string, label: string) =>
      selectField(errors, {
        path,
        label,
        options: [
          ['', 'Any'],
          ['true', 'Yes'],
          ['false', 'No'],
        ],
      });
    const hasLead = yesNo('hasLead', 'Lead captured');
    const handedOff = yesNo('handedOff', 'Handed off');
    // The intents a message can be read as: the built-ins and the business's own (Conversation design).
    const config = (await loadBusiness(ctx.api, ctx.businessId)) as BusinessConfig & { intents?: { name: string }[] };
    const intentNames = [...new Set([...BUILTIN_INTENTS, ...(config.intents ?? []).map((i) => i.name)])];
    const intentList = h(
      'datalist',
      { id: 'intent-names' },
      intentNames.map((name) => h('option', { value: name })),
    );
    const intent = inputField(errors, {
      path: 'intent',
      label: 'Intent',
      attrs: { autocomplete: 'off', spellcheck: 'false', placeholder: 'pricing', list: 'intent-names' },
    });
    const tag = inputField(errors, { path: 'tag', label: 'Tag', attrs: { autocomplete: 'off', spellcheck: 'false' } });
    const q = inputField(errors, {
      path: 'q',
      label: 'Words in the conversation',
      type: 'search',
      attrs: { autocomplete: 'off' },
    });

    const results = h('div', { class: 'stack' });
    const detail = h('div', { class: 'stack' });
    const list = new SessionList(ctx, results, (id) => void openTranscript(id));

    const openTranscript = async (sessionId: string) => {
      const t = await ctx.api.get<SessionTranscript>(
        businessPath(ctx.businessId, `/sessions/${encodeURIComponent(sessionId)}/transcript`),
      );
      const section = card(
        `Transcript ${short(t.sessionId)}`,
        h(
          'p',
          { class: 'meta' },
          `${t.channel === 'voice' ? 'Phone call' : 'Chat'} · ${formatDate(t.startedAt)} – ${formatDate(t.lastActiveAt)} · `,
          h(
            'a',
            { href: `#/b/${encodeURIComponent(ctx.businessId)}/sessions/${encodeURIComponent(t.sessionId)}` },
            'Captured details and forget',
          ),
        ),
        transcriptView(t.messages),
      );
      detail.replaceChildren(section);
      const heading = section.querySelector('h2')!;
      heading.tabIndex = -1;
      heading.focus();
      section.scrollIntoView({ block: 'start' });
    };

    const form = actionForm(
      errors,
      {
        label: 'Show sessions',
        busyLabel: 'Loading…',
        class: 'grid-form',
        action: async () => {
          const filters: Filters = {
            from: dayStart(from.input.value),
            to: dayStart(to.input.value, 1),
            channel: channel.input.value,
            intent: intent.input.value.trim(),
            tag: tag.input.value.trim(),
            hasLead: hasLead.input.value,
            handedOff: handedOff.input.value,
            q: q.input.value.trim(),
          };
          if (filters.from && filters.to && filters.from >= filters.to)
            return errors.showProblems([{ path: 'to', message: 'The last day must not be before the first.' }]);
          detail.replaceChildren();
          const count = await list.load(filters);
          return count === 1 ? '1 session.' : `${count}${list.hasMore ? '+' : ''} sessions.`;
        },
      },
      from.row,
      to.row,
      channel.row,
      hasLead.row,
      handedOff.row,
      intent.row,
      intentList,
      tag.row,
      q.row,
    );
    await list.load({});
    return h(
      'div',
      { class: 'stack' },
      card(
        'Filters',
        h(
          'p',
          { class: 'help' },
          'Newest first; the last 30 days unless dates are given. Looking for one session id? Use ',
          h('a', { href: `#/b/${encodeURIComponent(ctx.businessId)}/sessions` }, 'Conversations'),
          '.',
        ),
        form,
      ),
      card('Sessions', results),
      detail,
    );
  },
};

/** The table of sessions and its "Load more", which follows the API's cursor with the same filters. */
class SessionList {
  private rows: SessionSummary[] = [];
  private cursor: string | null = null;
  private filters: Filters = {};

  constructor(
    private readonly ctx: PageContext,
    private readonly holder: HTMLElement,
    private readonly open: (sessionId: string) => void,
  ) {}

  get hasMore(): boolean {
    return this.cursor !== null;
  }

  async load(filters: Filters): Promise<number> {
    this.filters = filters;
    this.rows = [];
    this.cursor = null;
    await this.more();
    return this.rows.length;
  }

  private async more(): Promise<void> {
    const page = await this.ctx.api.get<{ sessions: SessionSummary[]; nextCursor: string | null }>(
      businessPath(this.ctx.businessId, '/sessions'),
      { ...this.filters, limit: 25, cursor: this.cursor ?? undefined },
    );
    const firstNew = this.rows.length;
    this.rows.push(...page.sessions);
    this.cursor = page.nextCursor;
    this.draw();
    // Keyboard users continue from the first row the button added, not from the top of the page.
    if (firstNew > 0) this.holder.querySelectorAll<HTMLButtonElement>('td button')[firstNew]?.focus();
  }

  private draw(): void {
    const loadMore = this.cursor
      ? button('Load more', () =>
          this.more().catch((error: unknown) => {
            this.holder.append(
              h('p', { class: 'form-error', role: 'alert' }, error instanceof Error ? error.message : String(error)),
            );
          }),
        )
      : null;
    this.holder.replaceChildren();
    append(this.holder, [
      table(
        'Sessions',
        ['Started', 'Channel', 'Turns', 'First message', 'Outcome', 'Tags', ''],
        this.rows.map((s) => [
          h('span', null, formatDate(s.startedAt), h('span', { class: 'sub block' }, short(s.sessionId))),
          s.channel === 'voice' ? 'Voice' : 'Chat',
          String(s.turns),
          h('span', { class: 'clip' }, s.firstMessage ?? '—'),
          outcome(s),
          s.tags.length ? s.tags.map((t) => h('span', { class: 'badge tag' }, t)) : '—',
          button('Transcript', () => this.open(s.sessionId), {
            'aria-label': `Transcript of session ${short(s.sessionId)}`,
          }),
        ]),
      ),
      loadMore ? h('div', { class: 'actions' }, loadMore) : null,
    ]);
  }
}

function outcome(s: SessionSummary): HTMLElement {
  const badges = [
    s.leadCaptured ? h('span', { class: 'badge done' }, 'Lead') : null,
    s.crm.contact ? h('span', { class: 'badge done' }, 'CRM contact') : null,
    s.crm.deal ? h('span', { class: 'badge done' }, 'Deal') : null,
    s.handedOff ? h('span', { class: 'badge pending' }, 'Handed off') : null,
  ].filter(Boolean);
  return h(
    'span',
    { class: 'badges' },
    badges.length ? badges : '—',
    s.capturedFields.length ? h('span', { class: 'sub block' }, `Gave ${s.capturedFields.join(', ')}`) : null,
  );
}
