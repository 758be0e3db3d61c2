import { card, formatDate, h, table } from '../dom';
import { actionForm, FormErrors, inputField } from '../form';
import type { ConsolePage } from '../page';

interface BusinessRow {
  businessId: string;
  businessName: string;
  websiteUrl: string | null;
  version: number;
  updatedAt: string;
}

export const businessesPage: ConsolePage = {
  id: 'businesses',
  title: 'Businesses',
  scope: 'platform',
  async render(ctx) {
    const { businesses, total } = await ctx.api.get<{ businesses: Record<string, BusinessRow>; total: number }>(
      '/admin/business',
      { limit: 500 },
    );
    const rows = Object.values(businesses).map((b) => [
      h('a', { href: `#/b/${encodeURIComponent(b.businessId)}/settings` }, b.businessName),
      h('code', null, b.businessId),
      b.websiteUrl ?? '—',
      String(b.version),
      formatDate(b.updatedAt),
    ]);

    const errors = new FormErrors();
    const id = inputField(errors, {
      path: 'businessId',
      label: 'Business id',
      help: 'Lower-case letters, digits and dashes; used in the widget embed code. It cannot be changed later.',
      attrs: { required: true, autocomplete: 'off', pattern: '[a-z0-9][a-z0-9-]*' },
    });
    const name = inputField(errors, { path: 'businessName', label: 'Business name', attrs: { required: true } });
    const site = inputField(errors, { path: 'websiteUrl', label: 'Website', type: 'url', help: 'Optional, https://…' });
    const create = actionForm(
      errors,
      {
        label: 'Create business',
        busyLabel: 'Creating…',
        action: async () => {
          const businessId = id.input.value.trim();
          await ctx.api.post(
            '/admin/business',
            Object.fromEntries(
              Object.entries({
                businessId,
                businessName: name.input.value.trim(),
                websiteUrl: site.input.value.trim(),
              }).filter(([, v]) => v !== ''),
            ),
          );
          await ctx.businessesChanged();
          ctx.navigate(`#/b/${encodeURIComponent(businessId)}/settings`);
        },
        class: 'grid-form',
      },
      id.row,
      name.row,
      site.row,
    );
    return h(
      'div',
      { class: 'stack' },
      card(`All businesses (${total})`, table('Businesses', ['Name', 'Id', 'Website', 'Version', 'Updated'], rows)),
      card('Create a business', h('p', { class: 'help' }, 'Only the platform key can create businesses.'), create),
    );
  },
};
