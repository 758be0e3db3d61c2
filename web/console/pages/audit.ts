import { businessPath } from '../api';
import { button, card, formatDate, h, table } from '../dom';
import type { ConsolePage, PageContext } from '../page';

interface AuditEntry {
  createdAt: string;
  keyId: string;
  role: string;
  method: string;
  route: string;
  businessId: string | null;
  status: number;
}

/** Newest first, 50 at a time; "Older entries" follows the API's cursor. */
async function auditView(ctx: PageContext, path: string): Promise<HTMLElement> {
  const rows: AuditEntry[] = [];
  const holder = h('div');
  let cursor: string | null = null;
  const more = async () => {
    const page = await ctx.api.get<{ entries: AuditEntry[]; nextCursor: string | null }>(path, {
      limit: 50,
      cursor: cursor ?? undefined,
    });
    rows.push(...page.entries);
    cursor = page.nextCursor;
    holder.replaceChildren(
      h(
        'div',
        null,
        table(
          'Audit log',
          ['When', 'Who', 'Request', 'Business', 'Status'],
          rows.map((e) => [
            formatDate(e.createdAt),
            `${e.role} · ${e.keyId === 'platform' ? 'platform key' : e.keyId.slice(0, 8)}`,
            h('code', null, `${e.method} ${e.route}`),
            e.businessId ?? '—',
            h('span', { class: `badge ${e.status < 400 ? 'done' : 'failed'}` }, String(e.status)),
          ]),
        ),
        cursor ? button('Older entries', more) : null,
      ),
    );
  };
  await more();
  return card('Admin actions', h('p', { class: 'help' }, 'Every admin write, and every refused request.'), holder);
}

export const auditPage: ConsolePage = {
  id: 'audit',
  title: 'Audit log',
  scope: 'business',
  render: (ctx) => auditView(ctx, businessPath(ctx.businessId, '/audit')),
};

export const platformAuditPage: ConsolePage = {
  id: 'audit',
  title: 'Platform audit log',
  scope: 'platform',
  render: (ctx) => auditView(ctx, '/admin/audit'),
};
