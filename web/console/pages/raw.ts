import { type BusinessConfig, loadBusiness } from '../business-config';
import { card } from '../dom';
import { actionForm, FormErrors, textareaField } from '../form';
import type { ConsolePage } from '../page';

const READ_ONLY = ['version', 'createdAt', 'updatedAt'] as const;

export const rawPage: ConsolePage = {
  id: 'raw',
  title: 'Advanced: raw JSON',
  scope: 'business',
  async render(ctx) {
    const config: Partial<BusinessConfig> = { ...(await loadBusiness(ctx.api, ctx.businessId)) };
    for (const k of READ_ONLY) delete config[k];
    const errors = new FormErrors();
    const json = textareaField(errors, {
      path: 'json',
      label: 'Configuration',
      help: 'camelCase keys; absent keys are kept, null or "" clears a field. Errors from the API are listed above.',
      rows: 28,
      value: JSON.stringify(config, null, 2),
      attrs: { class: 'mono', spellcheck: 'false' },
    });
    const form = actionForm(
      errors,
      {
        label: 'Save JSON',
        busyLabel: 'Saving…',
        action: async () => {
          let body: unknown;
          try {
            body = JSON.parse(json.input.value);
          } catch (error) {
            return errors.showProblems([{ path: 'json', message: `Not valid JSON: ${(error as Error).message}` }]);
          }
          if (!body || typeof body !== 'object' || Array.isArray(body))
            return errors.showProblems([{ path: 'json', message: 'The configuration must be a JSON object.' }]);
          const { config: saved } = await ctx.api.post<{ config: BusinessConfig }>('/admin/business', {
            ...body,
            businessId: ctx.businessId,
          });
          await ctx.businessesChanged();
          return `Saved: version ${saved.version}.`;
        },
      },
      json.row,
    );
    return card('Business configuration as JSON', form);
  },
};
