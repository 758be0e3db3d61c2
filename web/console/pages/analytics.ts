import { businessPath } from '../api';
import { barList, timeSeriesChart } from '../chart';
import { card, h } from '../dom';
import { actionForm, FormErrors, inputField, selectField } from '../form';
import type { ConsolePage, PageContext } from '../page';
import { formatMs } from '../transcript';
import { dayStart } from './session-list';

type Counter =
  | 'sessions'
  | 'engaged'
  | 'messages'
  | 'leads'
  | 'crmContacts'
  | 'crmDeals'
  | 'appointmentClicks'
  | 'ctaClicks'
  | 'handoffs'
  | 'fallbacks'
  | 'unanswered'
  | 'cacheHits'
  | 'cacheMisses';

type Bucket = Record<Counter, number> & { bucket: string };

/** GET /admin/business/:id/analytics (AnalyticsReportDto). */
interface AnalyticsReport {
  from: string;
  to: string;
  interval: 'day' | 'hour';
  tz: string;
  totals: Record<Counter, number>;
  series: Bucket[];
  ctaClicks: { key: string; count: number }[];
  intents: { key: string; count: number }[];
  sentiments: { key: string; count: number }[];
  funnel: { sessions: number; engaged: number; lead: number; crmSynced: number };
  latency: { p50Ms: number | null; p95Ms: number | null };
}

const TILES: readonly [Counter, string][] = [
  ['sessions', 'Sessions'],
  ['engaged', 'Engaged sessions'],
  ['messages', 'Messages'],
  ['leads', 'Leads captured'],
  ['crmContacts', 'CRM contacts'],
  ['crmDeals', 'CRM deals'],
  ['appointmentClicks', 'Appointment clicks'],
  ['ctaClicks', 'Button clicks'],
  ['handoffs', 'Hand-offs'],
  ['fallbacks', 'Fallback replies'],
  ['unanswered', 'Unanswered'],
  ['cacheHits', 'Cached replies'],
  ['cacheMisses', 'Cache misses'],
];

/** The chart's lines; the rest of the counters are in the tiles and the table. */
const LINES: readonly [Counter, string, string][] = [
  ['sessions', 'Sessions', '#3446d8'],
  ['engaged', 'Engaged', '#0e9384'],
  ['leads', 'Leads', '#dc6803'],
  ['handoffs', 'Hand-offs', '#c11574'],
  ['unanswered', 'Unanswered', '#667085'],
];

const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export const analyticsPage: ConsolePage = {
  id: 'analytics',
  title: 'Analytics',
  scope: 'business',
  async render(ctx) {
    const today = new Date();
    const monthAgo = new Date(today);
    monthAgo.setDate(today.getDate() - 29);
    const errors = new FormErrors();
    const from = inputField(errors, { path: 'from', label: 'From', type: 'date', value: isoDay(monthAgo) });
    const to = inputField(errors, { path: 'to', label: 'To (included)', type: 'date', value: isoDay(today) });
    const interval = selectField(errors, {
      path: 'interval',
      label: 'By',
      value: 'day',
      options: [
        ['day', 'Day'],
        ['hour', 'Hour (31 days at most)'],
      ],
    });
    const tz = inputField(errors, {
      path: 'tz',
      label: 'Time zone',
      attrs: { autocomplete: 'off', spellcheck: 'false', placeholder: 'The business’s own' },
    });
    const out = h('div', { class: 'stack' });
    // Each report draws a chart tied to its own signal, so the previous one is destroyed when the next is shown.
    let shown = new AbortController();
    ctx.signal.addEventListener('abort', () => shown.abort());
    const show = async () => {
      const query = {
        from: dayStart(from.input.value),
        to: dayStart(to.input.value, 1),
        interval: interval.input.value,
        tz: tz.input.value.trim(),
      };
      if (query.from && query.to && query.from >= query.to)
        return errors.showProblems([{ path: 'to', message: 'The last day must not be before the first.' }]);
      const report = await ctx.api.get<AnalyticsReport>(businessPath(ctx.businessId, '/analytics'), query);
      shown.abort();
      shown = new AbortController();
      out.replaceChildren(reportView(report, shown.signal, ctx));
      return `${report.tz}, by ${report.interval}.`;
    };
    const form = actionForm(
      errors,
      { label: 'Show', busyLabel: 'Counting…', class: 'inline-form', action: show },
      from.row,
      to.row,
      interval.row,
      tz.row,
    );
    await show();
    return h(
      'div',
      { class: 'stack' },
      card(
        'Range',
        h(
          'p',
          { class: 'help' },
          'Days and hours are counted in the time zone given (an IANA name, e.g. Europe/Oslo).',
        ),
        form,
      ),
      out,
    );
  },
};

function reportView(r: AnalyticsReport, signal: AbortSignal, ctx: PageContext): HTMLElement {
  const stat = (label: string, value: string) =>
    h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, value));
  const f = r.funnel;
  const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)} %` : '—');
  return h(
    'div',
    { class: 'stack' },
    card(
      'Totals',
      h(
        'dl',
        { class: 'stat-grid tiles' },
        TILES.map(([key, label]) => stat(label, r.totals[key].toLocaleString())),
        stat('Reply time p50', r.latency.p50Ms === null ? '—' : formatMs(r.latency.p50Ms)),
        stat('Reply time p95', r.latency.p95Ms === null ? '—' : formatMs(r.latency.p95Ms)),
      ),
    ),
    card(
      'Over time',
      r.series.length
        ? timeSeriesChart({
            caption: `Sessions, engaged sessions, leads, hand-offs and unanswered questions by ${r.interval}`,
            buckets: r.series.map((b) => b.bucket),
            series: LINES.map(([key, label, color]) => ({ label, color, values: r.series.map((b) => b[key]) })),
            tz: r.tz,
            interval: r.interval,
            signal,
          })
        : h('p', { class: 'empty' }, 'No activity in this range.'),
    ),
    h(
      'div',
      { class: 'columns' },
      card(
        'Funnel',
        barList(
          'Funnel',
          [
            { label: 'Sessions', count: f.sessions },
            { label: 'Engaged', count: f.engaged, note: `(${pct(f.engaged, f.sessions)} of sessions)` },
            { label: 'Lead captured', count: f.lead, note: `(${pct(f.lead, f.engaged)} of engaged)` },
            { label: 'CRM synced', count: f.crmSynced, note: `(${pct(f.crmSynced, f.lead)} of leads)` },
          ],
          f.sessions,
        ),
      ),
      card(
        'Intents',
        barList(
          'Intents',
          r.intents.map((i) => ({ label: i.key, count: i.count })),
        ),
      ),
      card(
        'Sentiment',
        barList(
          'Sentiment',
          r.sentiments.map((i) => ({ label: i.key, count: i.count })),
        ),
      ),
      card(
        'Button clicks',
        barList(
          'Button clicks',
          r.ctaClicks.map((i) => ({ label: i.key, count: i.count })),
        ),
      ),
    ),
    h(
      'p',
      { class: 'help' },
      'Engaged: two visitor messages or more. Unanswered: below the retrieval confidence threshold, or a “don’t know” reply. Cache misses: replies the response cache could have served that the model answered. ',
      h('a', { href: `#/b/${encodeURIComponent(ctx.businessId)}/session-list` }, 'Browse the sessions'),
      '.',
    ),
  );
}
