import { businessPath } from '../api';
import { button, card, formatDate, h } from '../dom';
import { actionForm, FormErrors, inputField, selectField } from '../form';
import type { ConsolePage, PageContext } from '../page';
import { dayStart } from './session-list';

/** GET /admin/business/:id/analytics/unanswered (UnansweredReportDto). */
interface UnansweredCluster {
  key: string;
  example: string;
  count: number;
  questions: { text: string; count: number }[];
  sessionCount: number;
  sessionIds: string[];
  firstSeen: string;
  lastSeen: string;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedKbVersion: string | null;
}

interface UnansweredReport {
  status: 'open' | 'resolved' | 'all';
  similarityThreshold: number;
  questionsConsidered: number;
  questionLimit: number;
  truncated: boolean;
  totalClusters: number;
  clusters: UnansweredCluster[];
}

/** POST …/analytics/unanswered/recheck (UnansweredRecheckDto). */
interface RecheckResult {
  kbVersion: string | null;
  checked: number;
  resolved: number;
  stillOpen: number;
  askedSinceKbChange: number;
  skipped: number;
}

/**
 * What the assistant could not answer, grouped by meaning, largest first: what to add to the knowledge base.
 * "Check again" searches the open groups in the active knowledge base and marks the ones it now answers.
 */
export const unansweredPage: ConsolePage = {
  id: 'unanswered',
  title: 'Unanswered questions',
  scope: 'business',
  async render(ctx) {
    const errors = new FormErrors();
    const from = inputField(errors, { path: 'from', label: 'From', type: 'date' });
    const to = inputField(errors, { path: 'to', label: 'To (included)', type: 'date' });
    const status = selectField(errors, {
      path: 'status',
      label: 'Show',
      value: 'open',
      options: [
        ['open', 'Open'],
        ['resolved', 'Resolved'],
        ['all', 'All'],
      ],
    });
    const out = h('div', { class: 'stack' });
    const range = () => ({ from: dayStart(from.input.value), to: dayStart(to.input.value, 1) });
    const show = async () => {
      const q = range();
      if (q.from && q.to && q.from >= q.to)
        return errors.showProblems([{ path: 'to', message: 'The last day must not be before the first.' }]);
      const report = await ctx.api.get<UnansweredReport>(businessPath(ctx.businessId, '/analytics/unanswered'), {
        ...q,
        status: status.input.value,
      });
      out.replaceChildren(reportView(ctx, report));
      return `${report.totalClusters} ${report.totalClusters === 1 ? 'group' : 'groups'} from ${report.questionsConsidered} questions.`;
    };
    const form = actionForm(
      errors,
      { label: 'Show', busyLabel: 'Grouping…', class: 'inline-form', action: show },
      from.row,
      to.row,
      status.row,
    );
    const recheckStatus = h('p', { class: 'status', role: 'status' });
    const recheck = button('Check again in the knowledge base', async () => {
      recheck.disabled = true;
      recheckStatus.className = 'status';
      recheckStatus.textContent = 'Searching…';
      try {
        const r = await ctx.api.request<RecheckResult>(
          'POST',
          businessPath(ctx.businessId, '/analytics/unanswered/recheck'),
          {
            query: range(),
          },
        );
        recheckStatus.className = 'status ok';
        recheckStatus.textContent = recheckSummary(r);
        await show();
      } catch (error) {
        recheckStatus.className = 'status bad';
        recheckStatus.textContent = error instanceof Error ? error.message : String(error);
      } finally {
        recheck.disabled = false;
      }
    });
    await show();
    return h(
      'div',
      { class: 'stack' },
      card(
        'Questions without an answer',
        h(
          'p',
          { class: 'help' },
          'Replies below the retrieval confidence threshold or saying the assistant did not know, grouped by meaning. Add what they ask to the ',
          h('a', { href: `#/b/${encodeURIComponent(ctx.businessId)}/knowledge` }, 'knowledge base'),
          ', then check again: a group the new version answers is marked resolved.',
        ),
        form,
        h('div', { class: 'actions' }, recheck, recheckStatus),
      ),
      out,
    );
  },
};

function recheckSummary(r: RecheckResult): string {
  if (!r.kbVersion) return 'No knowledge-base version is active yet: nothing to search.';
  const parts = [`${r.resolved} of ${r.checked} searched now answered`, `${r.stillOpen} still open`];
  if (r.askedSinceKbChange) parts.push(`${r.askedSinceKbChange} asked again since the last change (not searched)`);
  if (r.skipped) parts.push(`${r.skipped} beyond this check's cap`);
  return `${parts.join(', ')}.`;
}

function reportView(ctx: PageContext, r: UnansweredReport): HTMLElement {
  const note = h(
    'p',
    { class: 'help' },
    `Questions join a group at cosine similarity ${r.similarityThreshold} or more.`,
    r.truncated ? ` Only the latest ${r.questionLimit.toLocaleString()} questions of the range were read.` : '',
  );
  if (!r.clusters.length)
    return card('Groups', note, h('p', { class: 'empty' }, 'No unanswered questions with this status in the range.'));
  const sessionLink = (id: string) =>
    h(
      'a',
      { href: `#/b/${encodeURIComponent(ctx.businessId)}/sessions/${encodeURIComponent(id)}`, class: 'mono' },
      id.slice(0, 8),
    );
  return card(
    `Groups (${r.totalClusters})`,
    note,
    h(
      'ol',
      { class: 'clusters' },
      r.clusters.map((c) =>
        h(
          'li',
          { class: 'cluster' },
          h(
            'div',
            { class: 'cluster-head' },
            h('h3', null, c.example),
            h('span', { class: 'badge' }, `${c.count} ${c.count === 1 ? 'time' : 'times'}`),
            c.resolved
              ? h('span', { class: 'badge done' }, `Resolved ${formatDate(c.resolvedAt)}`)
              : h('span', { class: 'badge pending' }, 'Open'),
          ),
          h(
            'p',
            { class: 'meta' },
            `${c.sessionCount} ${c.sessionCount === 1 ? 'session' : 'sessions'} · first ${formatDate(c.firstSeen)} · last ${formatDate(c.lastSeen)}`,
          ),
          c.questions.length > 1
            ? h(
                'ul',
                { class: 'cluster-questions' },
                c.questions.map((q) => h('li', null, q.text, h('span', { class: 'sub' }, ` × ${q.count}`))),
              )
            : null,
          h(
            'p',
            { class: 'cluster-sessions' },
            'Asked in ',
            c.sessionIds.flatMap((id, i) => (i ? [', ', sessionLink(id)] : [sessionLink(id)])),
            c.sessionCount > c.sessionIds.length ? ` and ${c.sessionCount - c.sessionIds.length} more` : '',
          ),
        ),
      ),
    ),
  );
}
