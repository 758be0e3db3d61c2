import { type Api, businessPath } from '../api';
import { button, card, formatDate, h, table } from '../dom';
import { actionForm, checkboxField, FormErrors, inputField, selectField, textareaField } from '../form';
import type { ConsolePage, PageContext } from '../page';

type CrmType = 'builtin' | 'hubspot' | 'salesforce' | 'webhook';

interface CrmConfig {
  type: CrmType;
  configured: boolean;
  credentials: Record<string, string>;
  fieldMapping: { fields?: Record<string, string | null>; constants?: Record<string, string | number | boolean> };
  options: Record<string, unknown>;
  updatedAt: string | null;
}

/** One input of a connection form: `key` is its dotted path under credentials or options. */
interface Setting {
  key: string;
  label: string;
  secret?: boolean;
  help?: string;
  choices?: readonly string[];
  type?: 'url' | 'text';
  /** Webhook credentials apply to one auth type each. */
  forAuth?: string;
}

const TYPES: Record<CrmType, { label: string; credentials: Setting[]; options: Setting[] }> = {
  builtin: {
    label: 'Built-in CRM (stored on this platform)',
    credentials: [],
    options: [
      { key: 'defaultStage', label: 'Stage of new deals', choices: ['new', 'qualified', 'proposal', 'won', 'lost'] },
    ],
  },
  hubspot: {
    label: 'HubSpot',
    credentials: [
      { key: 'accessToken', label: 'Private app access token', secret: true },
      { key: 'clientSecret', label: 'Client secret', secret: true, help: 'Optional: verifies HubSpot webhooks.' },
    ],
    options: [
      { key: 'pipeline', label: 'Deal pipeline id' },
      { key: 'dealStage', label: 'Deal stage id' },
      { key: 'apiBaseUrl', label: 'API base URL', type: 'url', help: 'Only for HubSpot-compatible proxies.' },
    ],
  },
  salesforce: {
    label: 'Salesforce',
    credentials: [
      { key: 'instanceUrl', label: 'Instance URL', type: 'url' },
      { key: 'accessToken', label: 'Access token', secret: true },
      {
        key: 'refreshToken',
        label: 'Refresh token',
        secret: true,
        help: 'With client id and secret, instead of a token.',
      },
      { key: 'clientId', label: 'Client id' },
      { key: 'clientSecret', label: 'Client secret', secret: true },
    ],
    options: [
      { key: 'contactObject', label: 'Leads are saved as', choices: ['Lead', 'Contact'] },
      { key: 'opportunityStage', label: 'Opportunity stage' },
      { key: 'opportunityLeadField', label: 'Opportunity field linking the lead' },
      { key: 'apiVersion', label: 'API version', help: 'Like 62.0.' },
      { key: 'loginUrl', label: 'Login URL', type: 'url' },
    ],
  },
  webhook: {
    label: 'Webhook (any HTTP API)',
    credentials: [
      { key: 'apiKey', label: 'API key', secret: true, forAuth: 'api_key' },
      { key: 'bearerToken', label: 'Bearer token', secret: true, forAuth: 'bearer' },
      { key: 'username', label: 'Username', forAuth: 'basic' },
      { key: 'password', label: 'Password', secret: true, forAuth: 'basic' },
      { key: 'hmacSecret', label: 'HMAC secret', secret: true, forAuth: 'hmac' },
      { key: 'inboundSecret', label: 'Inbound webhook secret', secret: true, help: 'Optional, 16+ characters.' },
    ],
    options: [
      { key: 'auth.type', label: 'Authentication', choices: ['none', 'api_key', 'bearer', 'basic', 'hmac'] },
      { key: 'auth.header', label: 'Header name', help: 'For api_key and hmac.' },
    ],
  },
};

const PLATFORM_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'message', 'source', 'sessionId'];
const REDACTED = '********';

export const crmPage: ConsolePage = {
  id: 'crm',
  title: 'CRM',
  scope: 'business',
  async render(ctx) {
    const path = (rest = '') => businessPath(ctx.businessId, `/crm${rest}`);
    const config = await ctx.api.get<CrmConfig>(path());
    const records = h('div', { class: 'stack' });
    const loadRecords = async () => records.replaceChildren(...(await recordCards(ctx, path, loadRecords)));
    await loadRecords();
    return h(
      'div',
      { class: 'stack' },
      card('Connection', connectionForm(ctx.api, path, config, loadRecords)),
      records,
    );
  },
};

function connectionForm(api: Api, path: (rest?: string) => string, config: CrmConfig, reload: () => Promise<void>) {
  const errors = new FormErrors();
  const type = selectField(errors, {
    path: 'type',
    label: 'CRM',
    value: config.type,
    options: (Object.keys(TYPES) as CrmType[]).map((t) => [t, TYPES[t].label]),
  });
  const sections = new Map<CrmType, { el: HTMLElement; read(): { credentials: object; options: object } }>();
  for (const t of Object.keys(TYPES) as CrmType[]) sections.set(t, typeSection(errors, t, config));
  const show = () => {
    for (const [t, s] of sections) s.el.hidden = t !== type.input.value;
  };
  type.input.addEventListener('change', show);
  show();

  const mapping = PLATFORM_FIELDS.map((field) => {
    const current = config.fieldMapping.fields?.[field];
    const name = inputField(errors, {
      path: `fieldMapping.fields.${field}`,
      label: `${field} →`,
      value: current ?? '',
      attrs: { placeholder: 'default name', autocomplete: 'off' },
    });
    const drop = checkboxField(errors, {
      path: `fieldMapping.drop.${field}`,
      label: 'Don’t send',
      checked: current === null,
    });
    return { field, name, drop };
  });
  const constants = textareaField(errors, {
    path: 'fieldMapping.constants',
    label: 'Constant fields',
    help: 'One per line as name=value, sent with every contact (e.g. lead_source=Website).',
    rows: 3,
    value: Object.entries(config.fieldMapping.constants ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('\n'),
    attrs: { class: 'mono' },
  });

  const pipelinesOut = h('div', { 'aria-live': 'polite' });
  const pipelines = button('Show pipelines and stages', async () => {
    try {
      const list = await api.get<{ id: string; label: string; stages: { id: string; label: string }[] }[]>(
        path('/pipelines'),
      );
      pipelinesOut.replaceChildren(
        table(
          'Pipelines',
          ['Pipeline', 'Id', 'Stages (id)'],
          list.map((p) => [p.label, h('code', null, p.id), p.stages.map((s) => `${s.label} (${s.id})`).join(', ')]),
        ),
      );
    } catch (error) {
      pipelinesOut.replaceChildren(
        h('p', { class: 'status bad' }, error instanceof Error ? error.message : String(error)),
      );
    }
  });
  const testResult = h('p', { class: 'status', role: 'status' });
  const test = button('Test connection', async () => {
    testResult.textContent = 'Testing…';
    try {
      const res = await api.post<{ ok: boolean; message: string }>(path('/test'));
      testResult.textContent = `${res.ok ? 'Connected' : 'Failed'}: ${res.message}`;
      testResult.className = res.ok ? 'status ok' : 'status bad';
    } catch (error) {
      testResult.textContent = error instanceof Error ? error.message : String(error);
      testResult.className = 'status bad';
    }
  });

  const form = actionForm(
    errors,
    {
      label: 'Save connection',
      busyLabel: 'Saving…',
      action: async () => {
        const t = type.input.value as CrmType;
        const { credentials, options } = sections.get(t)!.read();
        const fields: Record<string, string | null> = {};
        for (const m of mapping) {
          if (m.drop.input.checked) fields[m.field] = null;
          else if (m.name.input.value.trim()) fields[m.field] = m.name.input.value.trim();
        }
        const constantValues = Object.fromEntries(
          constants.input.value
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean)
            .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
        );
        await api.put(path(), {
          type: t,
          credentials,
          options,
          fieldMapping: { fields, ...(Object.keys(constantValues).length ? { constants: constantValues } : {}) },
        });
        await reload();
        return 'Saved. Test the connection to check the credentials.';
      },
    },
    type.row,
    [...sections.values()].map((s) => s.el),
    h(
      'fieldset',
      null,
      h('legend', null, 'Field mapping'),
      h('p', { class: 'help' }, 'The CRM field each lead field is written to; empty keeps the CRM’s usual name.'),
      h(
        'div',
        { class: 'mapping' },
        mapping.map((m) => h('div', { class: 'mapping-row' }, m.name.row, m.drop.row)),
      ),
      constants.row,
    ),
  );
  return h('div', { class: 'stack' }, form, h('div', { class: 'actions' }, test, pipelines, testResult), pipelinesOut);
}

function typeSection(errors: FormErrors, t: CrmType, config: CrmConfig) {
  const spec = TYPES[t];
  const same = config.type === t;
  const read = (obj: Record<string, unknown>, dotted: string): unknown =>
    dotted
      .split('.')
      .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
  const inputs = (group: 'credentials' | 'options') =>
    spec[group].map((s) => {
      const value = same ? read(group === 'credentials' ? config.credentials : config.options, s.key) : undefined;
      const path = `${group}.${s.key}`;
      const control = s.choices
        ? selectField(errors, {
            path,
            label: s.label,
            help: s.help,
            value: String(value ?? s.choices[0]),
            options: s.choices,
          })
        : inputField(errors, {
            path,
            label: s.label,
            help:
              s.secret && value === REDACTED ? `${s.help ? `${s.help} ` : ''}Stored; leave as is to keep it.` : s.help,
            type: s.secret ? 'password' : (s.type ?? 'text'),
            value: value === undefined ? '' : String(value),
            attrs: { autocomplete: 'off' },
          });
      return { setting: s, input: control.input, row: control.row };
    });
  const credentials = inputs('credentials');
  const options = inputs('options');
  const operations =
    t === 'webhook'
      ? textareaField(errors, {
          path: 'options.operations',
          label: 'Operations (JSON)',
          help: 'createContact is required; each is {method, url, headers?, body?, idPath?}. URLs and bodies may use {{email}}-style templates.',
          rows: 8,
          value: JSON.stringify(
            (same ? read(config.options, 'operations') : undefined) ?? {
              createContact: { method: 'POST', url: 'https://crm.example.com/contacts', idPath: 'id' },
            },
            null,
            2,
          ),
          attrs: { class: 'mono', spellcheck: 'false' },
        })
      : null;
  const authType = options.find((o) => o.setting.key === 'auth.type')?.input;
  const applyAuth = () => {
    for (const c of credentials) if (c.setting.forAuth) c.row.hidden = c.setting.forAuth !== authType?.value;
  };
  authType?.addEventListener('change', applyAuth);
  applyAuth();
  const el = h(
    'div',
    { class: 'stack' },
    credentials.length
      ? h(
          'fieldset',
          null,
          h('legend', null, 'Credentials'),
          h(
            'div',
            { class: 'grid' },
            credentials.map((c) => c.row),
          ),
        )
      : null,
    h(
      'fieldset',
      null,
      h('legend', null, 'Options'),
      h(
        'div',
        { class: 'grid' },
        options.map((o) => o.row),
      ),
      operations?.row,
    ),
  );
  return {
    el,
    read() {
      const creds: Record<string, string> = {};
      for (const c of credentials)
        if (!c.row.hidden && c.input.value.trim()) creds[c.setting.key] = c.input.value.trim();
      const opts: Record<string, unknown> = {};
      for (const o of options) if (o.input.value.trim()) setPath(opts, o.setting.key, o.input.value.trim());
      if (operations) {
        try {
          opts.operations = JSON.parse(operations.input.value);
        } catch {
          errors.showProblems([{ path: 'options.operations', message: 'Operations must be valid JSON.' }]);
          throw new Error('Operations must be valid JSON.');
        }
      }
      return { credentials: creds, options: opts };
    },
  };
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

interface Contact {
  id: string;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  sessionId: string | null;
  createdAt: string;
}
interface Note {
  body: string;
  sessionId: string | null;
  createdAt: string;
}
interface Deal {
  id: string;
  name: string | null;
  stage: string | null;
  amount: string | null;
  contactExternalId: string | null;
  createdAt: string;
}
interface OutboxItem {
  id: string;
  operation: string;
  status: 'pending' | 'processing' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

async function recordCards(ctx: PageContext, path: (rest?: string) => string, reload: () => Promise<void>) {
  const [contacts, deals, outbox] = await Promise.all([
    ctx.api.get<Contact[]>(path('/contacts'), { limit: 50 }),
    ctx.api.get<Deal[]>(path('/deals'), { limit: 50 }),
    ctx.api.get<OutboxItem[]>(path('/outbox'), { limit: 50 }),
  ]);
  const status = h('p', { class: 'status', role: 'status' });
  const notes = h('div', { 'aria-live': 'polite' });
  // Notes keep what a conversation said that differed from the stored contact (the contact itself is not overwritten).
  const showNotes = async (c: Contact) => {
    try {
      const list = await ctx.api.get<Note[]>(path(`/contacts/${encodeURIComponent(c.id)}/notes`));
      notes.replaceChildren(
        h('h3', null, `Notes on ${c.email ?? c.externalId}`),
        table(
          'Notes',
          ['When', 'Note', 'Session'],
          list.map((n) => [formatDate(n.createdAt), n.body, n.sessionId ?? '—']),
        ),
      );
    } catch (error) {
      notes.replaceChildren(h('p', { class: 'status bad' }, error instanceof Error ? error.message : String(error)));
    }
  };
  return [
    card(
      `Contacts (${contacts.length})`,
      table(
        'Contacts',
        ['Name', 'Email', 'Phone', 'Company', 'Created', ''],
        contacts.map((c) => [
          [c.firstName, c.lastName].filter(Boolean).join(' ') || '—',
          c.email ?? '—',
          c.phone ?? '—',
          c.company ?? '—',
          formatDate(c.createdAt),
          button('Notes', () => showNotes(c), { 'aria-label': `Notes on ${c.email ?? c.externalId}` }),
        ]),
      ),
      notes,
    ),
    card(
      `Deals (${deals.length})`,
      table(
        'Deals',
        ['Name', 'Stage', 'Amount', 'Contact', 'Created'],
        deals.map((d) => [
          d.name ?? '—',
          d.stage ?? '—',
          d.amount ?? '—',
          d.contactExternalId ?? '—',
          formatDate(d.createdAt),
        ]),
      ),
    ),
    card(
      'Outbox',
      h(
        'p',
        { class: 'help' },
        'Writes to the CRM are queued here and retried with backoff; failed ones can be retried now.',
      ),
      status,
      table(
        'Outbox',
        ['Operation', 'Status', 'Attempts', 'Last error', 'Next attempt', ''],
        outbox.map((o) => [
          o.operation,
          h('span', { class: `badge ${o.status}` }, o.status),
          String(o.attempts),
          o.lastError ?? '—',
          formatDate(o.nextAttemptAt),
          o.status === 'failed'
            ? button('Retry', async () => {
                try {
                  await ctx.api.post(path(`/outbox/${encodeURIComponent(o.id)}/retry`));
                  await reload();
                } catch (error) {
                  status.textContent = error instanceof Error ? error.message : String(error);
                }
              })
            : '',
        ]),
      ),
    ),
  ];
}
