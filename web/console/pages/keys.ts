import { businessPath } from '../api';
import { button, card, formatDate, h, table } from '../dom';
import { actionForm, FormErrors, inputField, selectField } from '../form';
import type { ConsolePage } from '../page';

interface TenantKey {
  keyId: string;
  name: string;
  role: 'owner' | 'editor' | 'viewer';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const keysPage: ConsolePage = {
  id: 'keys',
  title: 'API keys',
  scope: 'business',
  async render(ctx) {
    const path = businessPath(ctx.businessId, '/keys');
    const list = h('div');
    const status = h('p', { class: 'status', role: 'status' });
    const load = async () => {
      const { keys } = await ctx.api.get<{ keys: TenantKey[] }>(path);
      list.replaceChildren(
        table(
          'API keys',
          ['Name', 'Role', 'Key starts with', 'Created', 'Last used', ''],
          keys.map((k) => [
            k.name,
            k.role,
            h('code', null, `${k.prefix}…`),
            formatDate(k.createdAt),
            formatDate(k.lastUsedAt),
            k.revokedAt
              ? `Revoked ${formatDate(k.revokedAt)}`
              : button(
                  'Revoke',
                  async () => {
                    if (!confirm(`Revoke “${k.name}”? Anything using it stops working at once.`)) return;
                    try {
                      await ctx.api.delete(`${path}/${encodeURIComponent(k.keyId)}`);
                      status.textContent = `Revoked ${k.name}.`;
                      await load();
                    } catch (error) {
                      status.textContent = error instanceof Error ? error.message : String(error);
                    }
                  },
                  { class: 'danger-link', 'aria-label': `Revoke ${k.name}` },
                ),
          ]),
        ),
      );
    };
    await load();

    const errors = new FormErrors();
    const name = inputField(errors, {
      path: 'name',
      label: 'What it is for',
      attrs: { required: true, maxlength: 100 },
    });
    const role = selectField(errors, {
      path: 'role',
      label: 'Role',
      value: 'editor',
      options: [
        ['viewer', 'Viewer: reads only'],
        ['editor', 'Editor: reads and writes, not keys or audit'],
        ['owner', 'Owner: everything on this business'],
      ],
    });
    const created = h('div', { 'aria-live': 'polite' });
    const form = actionForm(
      errors,
      {
        label: 'Create key',
        busyLabel: 'Creating…',
        action: async () => {
          const res = await ctx.api.post<{ key: string; name: string }>(path, {
            name: name.input.value.trim(),
            role: role.input.value,
          });
          created.replaceChildren(
            h(
              'div',
              { class: 'secret' },
              h('p', null, h('strong', null, `Key for “${res.name}”. `), 'Copy it now: it is shown only once.'),
              h('code', { tabindex: 0 }, res.key),
            ),
          );
          name.input.value = '';
          await load();
        },
        class: 'inline-form',
      },
      name.row,
      role.row,
    );
    return h('div', { class: 'stack' }, card('Keys', status, list), card('Create a key', form, created));
  },
};
